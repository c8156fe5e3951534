package io.hmapstore.table;

import io.hmapstore.CorruptedStoreException;
import io.hmapstore.memory.MappedRegion;
import io.hmapstore.memory.ReleasePolicy;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The store's allocator: every bucket array, overflow bucket and entry lives in a block it hands out
 * from one {@link MappedRegion}. Offsets, never addresses, so the region may map anywhere.
 *
 * <p>Implementation notes. Small blocks come in size classes (as Go's {@code mallocgc} size classes,
 * coarser): 16-byte steps up to 128 bytes, then four classes per power of two up to
 * {@link #MAX_SMALL_BLOCK}. Each class carves blocks out of 64 KiB slabs and recycles freed blocks
 * through an intrusive LIFO free list whose link sits in the freed payload. Large blocks span a
 * power-of-two number of pages, start on a page and are recycled through per-size free lists kept on
 * the Java heap, because releasing them (for instance {@code MADV_DONTNEED}) may wipe their bytes.
 *
 * <p>Release: a freed large block is handed to the store's {@link ReleasePolicy} at once. A small
 * block goes on its class's free list, and its slab is handed to the policy once every block of it is
 * free: a sweep (Go's scavenger, run inline) counts each slab's free blocks when at least half the
 * slab bytes are free and twice as many bytes are free as after the last sweep, takes the blocks of
 * wholly free slabs off the free lists and releases those slabs. A sweep costs one pass over the slabs
 * and the free lists, and allocates nothing; the doubling rule keeps a store whose free blocks are
 * scattered over many slabs from sweeping again and again for nothing. {@link #reset()} releases the
 * whole heap. Reuse: memory that may
 * still hold old bytes — a small block from a free list, a large block released by a policy that does
 * not guarantee zeros, anything below the high-water mark of a heap that was reset — is zeroed before
 * it is handed out, unless the {@code ZERO_ON_REUSE} guard is off, which is how the pollution hazard
 * of Go's {@code madvdontneed=0} and {@code MADV_FREE} is made visible.
 *
 * <p>Thread safety: all methods are synchronized; writers of different segments share the heap.
 */
final class EntryHeap {
    static final long SLAB_BYTES = 64 * 1024;
    static final long MAX_SMALL_BLOCK = 16 * 1024;
    /** No sweep before this many small bytes are free: four slabs' worth. */
    private static final long SWEEP_FLOOR = 4 * SLAB_BYTES;
    private static final long GRANULE = 16;
    private static final long[] CLASS_SIZES = sizeClasses();
    private static final byte[] CLASS_BY_GRANULE = classLookup();

    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;

    private final MappedRegion region;
    private final long pageSize;
    private final long heapStart;
    private final ReleasePolicy policy;
    private final boolean policyZeroes;
    private final boolean zeroOnReuse;
    /** Checking mode: count the non-zero bytes of every reused block as it is handed out. */
    private final boolean verifyReuse;
    private long reusedNonZeroBytes;
    private long releaseNanos;
    private volatile Reclaimer reclaimer;
    /** Where {@code top} and {@code dirtyUntil} are mirrored in the file's superblock; -1 when anonymous. */
    private long persistedTop = -1;
    private boolean hugePages;
    private final boolean checkOffsets;

    private volatile MemorySegment mem;
    private volatile long top;
    private long dirtyUntil;
    private int generation;

    private final long[] freeSmall = new long[CLASS_SIZES.length];
    private final long[] slabCursor = new long[CLASS_SIZES.length];
    private final long[] slabLimit = new long[CLASS_SIZES.length];
    /** The payload of the slab {@link #slabCursor} carves, per class; 0 for none. A sweep never releases it. */
    private final long[] carvingSlab = new long[CLASS_SIZES.length];
    /** Every slab not given back, by payload offset: what a sweep walks. */
    private final LongStack slabs = new LongStack();
    /** Bytes of small blocks on the free lists. */
    private long freeSmallBytes;
    /** The free small bytes at which the next sweep runs (see the class notes). */
    private long nextSweepAt = SWEEP_FLOOR;
    private long slabsReleased;
    private long sweeps;
    private final LongStack[] freeLarge = new LongStack[64];

    private long bytesInUse;
    /** Of {@link #bytesInUse}, the bytes of bucket arrays (live or retired): the table's share of a bound. */
    private long arrayBytesInUse;
    private final long[] bytesByClass = new long[CLASS_SIZES.length];
    private final TreeMap<Long, Long> largeBytesByPages = new TreeMap<>();
    private long retiredBytes;
    private final EnumMap<ReleasePolicy, Long> releasedBytes = new EnumMap<>(ReleasePolicy.class);

    EntryHeap(MappedRegion region, long heapStart, ReleasePolicy policy, boolean zeroOnReuse, boolean checkOffsets,
            boolean verifyReuse) {
        this.region = region;
        this.pageSize = MappedRegion.pageSize();
        assert heapStart % pageSize == 0 : "heap must start on a page: " + heapStart;
        this.heapStart = heapStart;
        this.top = heapStart;
        this.dirtyUntil = heapStart;
        this.policy = policy;
        this.policyZeroes = policy.guaranteesZeros(region.isFileBacked());
        this.zeroOnReuse = zeroOnReuse;
        this.verifyReuse = verifyReuse;
        this.checkOffsets = checkOffsets;
        this.mem = region.segment();
    }

    /** @return the region's memory as currently mapped; re-read after any allocation */
    MemorySegment mem() {
        return mem;
    }

    long heapStart() {
        return heapStart;
    }

    /** @return the first offset past every block ever handed out */
    long top() {
        return top;
    }

    /**
     * Hands out a block.
     *
     * @param payloadBytes bytes the caller needs
     * @param kind a {@link BlockHeader} kind
     * @return the payload's region offset; the payload reads as zeros unless ZERO_ON_REUSE is off
     */
    synchronized long allocate(long payloadBytes, byte kind) {
        long block = payloadBytes + BlockHeader.SIZE;
        // Bucket arrays are always large: page-aligned, so an array's offset can be checked without a read.
        long payload = block <= MAX_SMALL_BLOCK && kind != BlockHeader.BUCKETS ? allocateSmall(classOf(block))
                : allocateLarge(payloadBytes, true);
        if (kind == BlockHeader.BUCKETS) {
            arrayBytesInUse += largeBytes(payloadBytes);
        }
        MemorySegment m = mem;
        m.set(INT, payload + BlockHeader.GENERATION, nextGeneration());
        m.set(ValueLayout.JAVA_BYTE, payload + BlockHeader.KIND, kind);
        return payload;
    }

    /**
     * Gives a block back. Its header is marked freed first, so a view holding its generation sees a
     * mismatch whatever the release policy leaves behind.
     *
     * @param payload an offset {@link #allocate} returned
     */
    synchronized void free(long payload) {
        MemorySegment m = mem;
        int sizeClass = m.get(ValueLayout.JAVA_BYTE, payload + BlockHeader.SIZE_CLASS) & 0xFF;
        if (StoreEvents.RETIRE.isEnabled()) {
            StoreEvents.Retire retire = new StoreEvents.Retire();
            retire.offset = payload;
            retire.bytes = capacity(payload) + BlockHeader.SIZE;
            retire.kind = BlockHeader.kindName(m.get(ValueLayout.JAVA_BYTE, payload + BlockHeader.KIND));
            retire.commit();
        }
        byte kind = m.get(ValueLayout.JAVA_BYTE, payload + BlockHeader.KIND);
        m.set(INT, payload + BlockHeader.GENERATION, 0);
        m.set(ValueLayout.JAVA_BYTE, payload + BlockHeader.KIND, BlockHeader.FREED);
        if (sizeClass == BlockHeader.LARGE_CLASS) {
            int log2Pages = m.get(ValueLayout.JAVA_SHORT, payload + BlockHeader.LOG2_PAGES);
            long start = payload - BlockHeader.LARGE_PAYLOAD_OFFSET;
            long bytes = pageSize << log2Pages;
            bytesInUse -= bytes;
            if (kind == BlockHeader.BUCKETS) {
                arrayBytesInUse -= bytes;
            }
            largeBytesByPages.merge(bytes, -bytes, Long::sum);
            retiredBytes += bytes;
            release(start, bytes);
            if (persistedTop >= 0) {
                // Recovery walks the heap block by block: a released block must still say its size.
                writeLargeHeader(start, log2Pages, BlockHeader.FREED);
            }
            largeStack(log2Pages).push(start);
        } else {
            long size = CLASS_SIZES[sizeClass];
            bytesInUse -= size;
            bytesByClass[sizeClass] -= size;
            retiredBytes += size;
            m.set(LONG, payload, freeSmall[sizeClass]);
            freeSmall[sizeClass] = payload;
            freeSmallBytes += size;
            if (freeSmallBytes >= nextSweepAt && 2 * freeSmallBytes >= slabs.size() * SLAB_BYTES) {
                sweepSlabs(false);
            }
        }
    }

    /**
     * Gives back every slab whose blocks are all free (the class notes say when this runs): counts each
     * slab's free blocks in its header, takes the blocks of wholly free slabs off the free lists (the
     * others keep their order), and releases those slabs as free large blocks. With {@code carving},
     * a slab still being carved goes too once every block carved from it is free (a full bounded
     * store's {@link #defragment}); otherwise it stays, as the next block of its class comes from it.
     */
    private void sweepSlabs(boolean carving) {
        sweeps++;
        MemorySegment m = mem;
        int n = slabs.size();
        for (int i = 0; i < n; i++) {
            m.set(INT, slabs.get(i) + BlockHeader.SLAB_FREE_BLOCKS, 0);
        }
        for (int c = 0; c < CLASS_SIZES.length; c++) {
            long limit = (long) n * blocksPerSlab(c);
            long count = 0;
            for (long p = freeSmall[c]; p != 0; p = m.get(LONG, p)) {
                if (!isFreedLink(p, c) || ++count > limit) {
                    throw new CorruptedStoreException("entry heap: free list of size class " + CLASS_SIZES[c]
                            + (count > limit ? " is longer than its " + n + " slabs can hold (a cycle?)"
                                    : " links to 0x" + Long.toHexString(p) + ", which is not a freed block of that class")
                            + " in heap " + range() + " (" + region + ")");
                }
                long slab = slabOf(m, p, c);
                m.set(INT, slab + BlockHeader.SLAB_FREE_BLOCKS, m.get(INT, slab + BlockHeader.SLAB_FREE_BLOCKS) + 1);
            }
        }
        for (int c = 0; c < CLASS_SIZES.length; c++) {
            long head = 0;
            long tail = 0;
            for (long p = freeSmall[c]; p != 0; ) {
                long next = m.get(LONG, p);
                if (isWhollyFree(m, slabOf(m, p, c), c, carving)) {
                    freeSmallBytes -= CLASS_SIZES[c];
                } else {
                    if (tail == 0) {
                        head = p;
                    } else {
                        m.set(LONG, tail, p);
                    }
                    tail = p;
                }
                p = next;
            }
            if (tail != 0) {
                m.set(LONG, tail, 0L);
            }
            freeSmall[c] = head;
        }
        int kept = 0;
        for (int i = 0; i < n; i++) {
            long slab = slabs.get(i);
            int c = m.get(ValueLayout.JAVA_BYTE, slab + BlockHeader.SLAB_CLASS) & 0xFF;
            if (isWhollyFree(m, slab, c, carving)) {
                if (slab == carvingSlab[c]) {
                    slabCursor[c] = 0;
                    slabLimit[c] = 0;
                    carvingSlab[c] = 0;
                }
                releaseSlab(slab);
            } else {
                slabs.set(kept++, slab);
            }
        }
        slabs.truncate(kept);
        nextSweepAt = Math.max(SWEEP_FLOOR, 2 * freeSmallBytes);
    }

    private boolean isWhollyFree(MemorySegment m, long slab, int sizeClass, boolean carving) {
        int free = m.get(INT, slab + BlockHeader.SLAB_FREE_BLOCKS);
        if (slab != carvingSlab[sizeClass]) {
            return free == blocksPerSlab(sizeClass);
        }
        return carving && free == (slabCursor[sizeClass] - slab) / CLASS_SIZES[sizeClass];
    }

    /** The block size of size class {@code sizeClass}, for a read-only walk of a file's heap; -1 if there is none. */
    static long classSize(int sizeClass) {
        return sizeClass >= 0 && sizeClass < CLASS_SIZES.length ? CLASS_SIZES[sizeClass] : -1;
    }

    private static long blocksPerSlab(int sizeClass) {
        return (SLAB_BYTES - BlockHeader.LARGE_PAYLOAD_OFFSET) / CLASS_SIZES[sizeClass];
    }

    /**
     * The slab a small block was carved from, by the distance in its header, checked: a slab of the
     * block's class, within the heap.
     */
    private long slabOf(MemorySegment m, long payload, int sizeClass) {
        long block = payload - BlockHeader.SIZE;
        long slab = block - GRANULE * (m.get(ValueLayout.JAVA_SHORT, payload + BlockHeader.SLAB_GRANULES) & 0xFFFF);
        if (slab < heapStart + BlockHeader.LARGE_PAYLOAD_OFFSET
                || (slab - BlockHeader.LARGE_PAYLOAD_OFFSET - heapStart) % pageSize != 0
                || m.get(ValueLayout.JAVA_BYTE, slab + BlockHeader.KIND) != BlockHeader.SLAB
                || (m.get(ValueLayout.JAVA_BYTE, slab + BlockHeader.SLAB_CLASS) & 0xFF) != sizeClass) {
            throw new CorruptedStoreException("entry heap: small block 0x" + Long.toHexString(block) + " of size class "
                    + CLASS_SIZES[sizeClass] + " names 0x" + Long.toHexString(slab - BlockHeader.LARGE_PAYLOAD_OFFSET)
                    + " as its slab, which is not a slab of that class; heap " + range() + " of " + region);
        }
        return slab;
    }

    /** Hands a slab whose blocks are all free to the release policy, as a free large block. */
    private void releaseSlab(long slab) {
        MemorySegment m = mem;
        int log2Pages = m.get(ValueLayout.JAVA_SHORT, slab + BlockHeader.LOG2_PAGES);
        long start = slab - BlockHeader.LARGE_PAYLOAD_OFFSET;
        m.set(INT, slab + BlockHeader.GENERATION, 0);
        m.set(ValueLayout.JAVA_BYTE, slab + BlockHeader.KIND, BlockHeader.FREED);
        release(start, SLAB_BYTES);
        if (persistedTop >= 0) {
            writeLargeHeader(start, log2Pages, BlockHeader.FREED);
        }
        largeStack(log2Pages).push(start);
        slabsReleased++;
    }

    /** @return slabs given back to the release policy since the store opened */
    synchronized long slabsReleased() {
        return slabsReleased;
    }

    /** @return sweeps run since the store opened */
    synchronized long sweeps() {
        return sweeps;
    }

    /**
     * Takes a block out of use: it is freed now, or, when a {@link Reclaimer} is installed, once no
     * reader can see it. Its generation gains the {@link #RETIRED} bit at once, so every view holding
     * the old generation goes stale, while the block stays structurally sound (a non-zero generation,
     * its kind, its bytes) for a lock-free reader that still holds its offset: that reader reads the
     * retired bytes and is sent round again by its validation, rather than finding what looks like
     * corruption.
     *
     * @param payload an offset {@link #allocate} returned
     */
    void retire(long payload) {
        MemorySegment m = mem;
        m.set(INT, payload + BlockHeader.GENERATION, m.get(INT, payload + BlockHeader.GENERATION) | RETIRED);
        Reclaimer r = reclaimer;
        if (r == null) {
            free(payload);
        } else {
            r.retire(payload);
        }
    }

    private void setTop(long value) {
        top = value;
        if (persistedTop >= 0) {
            mem.set(LONG, persistedTop, value);
        }
    }

    private void setDirtyUntil(long value) {
        dirtyUntil = value;
        if (persistedTop >= 0) {
            mem.set(LONG, persistedTop + Long.BYTES, value);
        }
    }

    private void writeLargeHeader(long start, int log2Pages, byte kind) {
        long payload = start + BlockHeader.LARGE_PAYLOAD_OFFSET;
        MemorySegment m = mem;
        m.set(INT, payload + BlockHeader.GENERATION, 0);
        m.set(ValueLayout.JAVA_BYTE, payload + BlockHeader.KIND, kind);
        m.set(ValueLayout.JAVA_BYTE, payload + BlockHeader.SIZE_CLASS, (byte) BlockHeader.LARGE_CLASS);
        m.set(ValueLayout.JAVA_SHORT, payload + BlockHeader.LOG2_PAGES, (short) log2Pages);
    }

    /** Sets the bounds a reopened file recorded, before anything in the heap is followed. */
    synchronized void restoreBounds(long restoredTop, long restoredDirtyUntil) {
        top = restoredTop;
        dirtyUntil = restoredDirtyUntil;
    }

    /**
     * Mirrors {@code top} and {@code dirtyUntil} into the two longs at {@code offset} (the file's
     * superblock) from now on.
     */
    void persistTopAt(long offset) {
        persistedTop = offset;
        setTop(top);
        setDirtyUntil(dirtyUntil);
    }

    /**
     * Rebuilds the allocator of a heap opened from a file: walks it block by block from its start to
     * {@code top}, keeps the blocks {@code reachable} names (by block start) and puts every other one
     * on a free list. Free large blocks are released with the policy (or zeroed) so they read as
     * zeros, whatever a crash left in them.
     *
     * @param reachable block starts, as offsets from the heap start divided by 16
     * @param maxGeneration the largest generation seen, so new stamps never repeat old ones
     * @throws CorruptedStoreException if a block header is impossible
     */
    synchronized void rebuild(java.util.BitSet reachable, int maxGeneration) {
        // Recovery may already have allocated (finishing an evacuation): start the books afresh, keep top.
        generation = Math.max(generation, maxGeneration & ~RETIRED);
        bytesInUse = 0;
        arrayBytesInUse = 0;
        forgetSmallBlocks();
        java.util.Arrays.fill(bytesByClass, 0);
        java.util.Arrays.fill(freeLarge, null);
        largeBytesByPages.clear();
        MemorySegment m = mem;
        long start = heapStart;
        while (start < top) {
            long payload = start + BlockHeader.LARGE_PAYLOAD_OFFSET;
            int log2Pages = m.get(ValueLayout.JAVA_SHORT, payload + BlockHeader.LOG2_PAGES);
            int sizeClass = m.get(ValueLayout.JAVA_BYTE, payload + BlockHeader.SIZE_CLASS) & 0xFF;
            long bytes = log2Pages >= 0 && log2Pages < 40 ? pageSize << log2Pages : -1;
            if (m.get(LONG, payload - BlockHeader.SIZE) == 0 && !reachable.get(granule(start))) {
                // A header wiped whole: a crash between releasing a freed block (PUNCH_HOLE reads as
                // zeros) and rewriting its header. Every page of such a block reads as zeros, so
                // each is taken as a free one-page block.
                sizeClass = BlockHeader.LARGE_CLASS;
                log2Pages = 0;
                bytes = pageSize;
            }
            if (sizeClass != BlockHeader.LARGE_CLASS || bytes < 0 || start + bytes > top) {
                throw new CorruptedStoreException("entry heap: block at 0x" + Long.toHexString(start)
                        + " has no sound large-block header (class " + sizeClass + ", log2 pages " + log2Pages
                        + ") within heap " + range() + " of " + region);
            }
            byte kind = m.get(ValueLayout.JAVA_BYTE, payload + BlockHeader.KIND);
            if (kind == BlockHeader.SLAB) {
                if (bytes != SLAB_BYTES || reachable.get(granule(start))) {
                    // Carving it would write free-block headers over whatever it really is.
                    throw new CorruptedStoreException("entry heap: block at 0x" + Long.toHexString(start)
                            + " says it is a slab, but it is " + bytes + " bytes (a slab is " + SLAB_BYTES + ")"
                            + (reachable.get(granule(start)) ? " and a segment reaches it as a block of its own" : "")
                            + "; heap " + range() + " of " + region);
                }
                if (!rebuildSlab(m, start, reachable)) {
                    freeUnreached(m, start, bytes, log2Pages);
                    slabsReleased++;
                }
            } else if (reachable.get(granule(start))) {
                bytesInUse += bytes;
                if (kind == BlockHeader.BUCKETS) {
                    arrayBytesInUse += bytes;
                }
                largeBytesByPages.merge(bytes, bytes, Long::sum);
            } else {
                freeUnreached(m, start, bytes, log2Pages);
            }
            start += bytes;
        }
    }

    /** Frees a large block nothing reaches, on open: released (or zeroed), so it reads as zeros whatever a crash left. */
    private void freeUnreached(MemorySegment m, long start, long bytes, int log2Pages) {
        release(start, bytes);
        if (!policyZeroes) {
            m.asSlice(start, bytes).fill((byte) 0);
        }
        writeLargeHeader(start, log2Pages, BlockHeader.FREED);
        largeStack(log2Pages).push(start);
    }

    /**
     * Lists a slab's unreached blocks on its class's free list.
     *
     * @return false, listing nothing, when no block of it is reached: the caller frees it whole
     */
    private boolean rebuildSlab(MemorySegment m, long slab, java.util.BitSet reachable) {
        int sizeClass = m.get(ValueLayout.JAVA_BYTE, slab + BlockHeader.LARGE_PAYLOAD_OFFSET + BlockHeader.SLAB_CLASS)
                & 0xFF;
        if (sizeClass >= CLASS_SIZES.length) {
            throw new CorruptedStoreException("entry heap: slab at 0x" + Long.toHexString(slab) + " names size class "
                    + sizeClass + "; there are " + CLASS_SIZES.length + " (" + region + ")");
        }
        long size = CLASS_SIZES[sizeClass];
        long end = slab + SLAB_BYTES;
        long first = slab + BlockHeader.LARGE_PAYLOAD_OFFSET;
        boolean anyLive = false;
        for (long block = first; block + size <= end; block += size) {
            anyLive |= reachable.get(granule(block));
        }
        if (!anyLive) {
            return false;
        }
        slabs.push(first);
        for (long block = first; block + size <= end; block += size) {
            long payload = block + BlockHeader.SIZE;
            // Written afresh for every block: files from before slabs were given back lack it.
            m.set(ValueLayout.JAVA_SHORT, payload + BlockHeader.SLAB_GRANULES, (short) ((block - first) / GRANULE));
            if (reachable.get(granule(block))) {
                bytesInUse += size;
                bytesByClass[sizeClass] += size;
            } else {
                m.set(INT, payload + BlockHeader.GENERATION, 0);
                m.set(ValueLayout.JAVA_BYTE, payload + BlockHeader.KIND, BlockHeader.FREED);
                m.set(ValueLayout.JAVA_BYTE, payload + BlockHeader.SIZE_CLASS, (byte) sizeClass);
                m.set(LONG, payload, freeSmall[sizeClass]);
                freeSmall[sizeClass] = payload;
                freeSmallBytes += size;
            }
        }
        return true;
    }

    /** Forgets every slab and free small block: the heap was reset, or is being rebuilt. */
    private void forgetSmallBlocks() {
        java.util.Arrays.fill(freeSmall, 0);
        java.util.Arrays.fill(slabCursor, 0);
        java.util.Arrays.fill(slabLimit, 0);
        java.util.Arrays.fill(carvingSlab, 0);
        slabs.truncate(0);
        freeSmallBytes = 0;
        nextSweepAt = SWEEP_FLOOR;
    }

    /** @return the reachability index of the block starting at {@code blockStart} */
    long granuleOf(long blockStart) {
        return granule(blockStart);
    }

    private int granule(long blockStart) {
        return (int) ((blockStart - heapStart) / GRANULE);
    }

    /** @return the start of the block whose payload is at {@code payload} */
    long blockStart(long payload) {
        int sizeClass = mem.get(ValueLayout.JAVA_BYTE, payload + BlockHeader.SIZE_CLASS) & 0xFF;
        return sizeClass == BlockHeader.LARGE_CLASS ? payload - BlockHeader.LARGE_PAYLOAD_OFFSET
                : payload - BlockHeader.SIZE;
    }

    /** Defers every later {@link #retire} until readers are done (concurrent mode). */
    void deferFrees(Reclaimer r) {
        this.reclaimer = r;
    }

    /** @return the generation stamp of the block at {@code payload}; 0 once it is freed */
    int generation(long payload) {
        return mem.get(INT, payload + BlockHeader.GENERATION);
    }

    /** @return the payload capacity of the block at {@code payload}, read from its header */
    long capacity(long payload) {
        MemorySegment m = mem;
        int sizeClass = m.get(ValueLayout.JAVA_BYTE, payload + BlockHeader.SIZE_CLASS) & 0xFF;
        if (sizeClass == BlockHeader.LARGE_CLASS) {
            int log2Pages = m.get(ValueLayout.JAVA_SHORT, payload + BlockHeader.LOG2_PAGES);
            return (log2Pages < 0 || log2Pages > 40) ? -1 : (pageSize << log2Pages) - BlockHeader.LARGE_PAYLOAD_OFFSET;
        }
        return sizeClass < CLASS_SIZES.length ? CLASS_SIZES[sizeClass] - BlockHeader.SIZE : -1;
    }

    /**
     * Whether {@code payload}, an offset read back from memory, can be followed: inside the heap,
     * 8-aligned, on a live block of the expected kind. With OFFSET_CHECK off, always true.
     *
     * @param payload the offset
     * @param kind the {@link BlockHeader} kind it must point to
     * @return whether it is sound
     */
    boolean isValid(long payload, byte kind) {
        return !checkOffsets || isBlock(mem, payload, kind);
    }

    /**
     * {@link #isValid}'s test made whatever OFFSET_CHECK says, against the mapping {@code m} a reader
     * took: for lock-free readers, which must never fault on an offset a writer tore.
     */
    boolean isBlock(MemorySegment m, long payload, byte kind) {
        return payload >= heapStart + BlockHeader.SIZE && payload < Math.min(top, m.byteSize()) && (payload & 7) == 0
                && m.get(ValueLayout.JAVA_BYTE, payload + BlockHeader.KIND) == kind
                && m.get(INT, payload + BlockHeader.GENERATION) != 0;
    }

    /** @return "[start, top)" of the heap, for error messages */
    String range() {
        return "[0x" + Long.toHexString(heapStart) + ", 0x" + Long.toHexString(top) + ")";
    }

    /**
     * Frees everything at once and hands the whole heap to the release policy: {@code clear()}.
     * Offsets handed out before are dead afterwards.
     */
    synchronized void reset() {
        if (reclaimer != null) {
            reclaimer.drop();
        }
        long used = top - heapStart;
        // Crash-ordered: the file must never record a top over a heap the policy has already wiped
        // (a walk of it would find no block headers and refuse the file). So: mark the old heap as
        // possibly holding old bytes, record the empty heap, and only then release it.
        setDirtyUntil(Math.max(dirtyUntil, top));
        setTop(heapStart);
        if (used > 0) {
            release(heapStart, used);
        }
        if (policyZeroes) {
            setDirtyUntil(heapStart);
        }
        retiredBytes += bytesInUse;
        bytesInUse = 0;
        arrayBytesInUse = 0;
        forgetSmallBlocks();
        java.util.Arrays.fill(bytesByClass, 0);
        java.util.Arrays.fill(freeLarge, null);
        largeBytesByPages.clear();
    }

    private void release(long offset, long bytes) {
        if (policy == ReleasePolicy.KEEP) {
            return;
        }
        StoreEvents.Release event = new StoreEvents.Release();
        event.begin();
        long start = System.nanoTime();
        region.release(offset, bytes, policy);
        releaseNanos += System.nanoTime() - start;
        releasedBytes.merge(policy, bytes, Long::sum);
        if (event.shouldCommit()) {
            event.offset = offset;
            event.bytes = bytes;
            event.policy = policy.name();
            event.commit();
        }
    }

    /** Counts what a reused block still holds when it is handed out: 0 unless ZERO_ON_REUSE is off. */
    private void checkReused(long offset, long length) {
        if (!verifyReuse || length <= 0) {
            return;
        }
        MemorySegment m = mem;
        long i = 0;
        for (; i + Long.BYTES <= length; i += Long.BYTES) {
            long w = m.get(ValueLayout.JAVA_LONG_UNALIGNED, offset + i);
            if (w != 0) {
                for (int b = 0; b < Long.BYTES; b++, w >>>= 8) {
                    reusedNonZeroBytes += (w & 0xFF) != 0 ? 1 : 0;
                }
            }
        }
        for (; i < length; i++) {
            reusedNonZeroBytes += m.get(ValueLayout.JAVA_BYTE, offset + i) != 0 ? 1 : 0;
        }
    }

    /** @return nanoseconds spent inside release-policy calls */
    synchronized long releaseNanos() {
        return releaseNanos;
    }

    /** Advises transparent huge pages (MADV_HUGEPAGE) for the heap, now and as the mapping grows. */
    synchronized void adviseHugePages() {
        hugePages = true;
        region.adviseHugePages(heapStart, region.size() - heapStart);
    }

    /** @return non-zero bytes found in reused blocks as they were handed out (checking mode only) */
    synchronized long reusedNonZeroBytes() {
        return reusedNonZeroBytes;
    }

    synchronized long bytesInUse() {
        return bytesInUse;
    }

    /** @return bytes in use by everything but bucket arrays: entries, overflow buckets (what eviction frees) */
    synchronized long entryBytesInUse() {
        return bytesInUse - arrayBytesInUse;
    }

    synchronized long retiredBytes() {
        return retiredBytes;
    }

    synchronized Map<ReleasePolicy, Long> releasedBytes() {
        return new EnumMap<>(releasedBytes);
    }

    synchronized Map<Long, Long> bytesBySizeClass() {
        TreeMap<Long, Long> out = new TreeMap<>();
        for (int c = 0; c < CLASS_SIZES.length; c++) {
            if (bytesByClass[c] != 0) {
                out.put(CLASS_SIZES[c], bytesByClass[c]);
            }
        }
        largeBytesByPages.forEach((size, bytes) -> {
            if (bytes != 0) {
                out.put(size, bytes);
            }
        });
        return out;
    }

    /**
     * Zeroes {@code [offset, offset + length)} without making a slice, so hot paths allocate nothing.
     */
    static void zero(MemorySegment m, long offset, long length) {
        if (length > 512) {
            m.asSlice(offset, length).fill((byte) 0);
            return;
        }
        long i = 0;
        for (; i + Long.BYTES <= length; i += Long.BYTES) {
            m.set(ValueLayout.JAVA_LONG_UNALIGNED, offset + i, 0L);
        }
        for (; i < length; i++) {
            m.set(ValueLayout.JAVA_BYTE, offset + i, (byte) 0);
        }
    }

    private long allocateSmall(int sizeClass) {
        long size = CLASS_SIZES[sizeClass];
        if (freeSmall[sizeClass] == 0 && slabCursor[sizeClass] + size > slabLimit[sizeClass]) {
            try {
                newSlab(sizeClass);
            } catch (io.hmapstore.StoreFullException full) {
                // At the memory bound, a freed block of a larger class serves rather than failing: the
                // bound holds, at the cost of the difference.
                for (int larger = sizeClass + 1; larger < CLASS_SIZES.length; larger++) {
                    if (freeSmall[larger] != 0) {
                        return takeFree(larger);
                    }
                }
                throw full;
            }
        }
        if (freeSmall[sizeClass] != 0) {
            return takeFree(sizeClass);
        }
        long block = slabCursor[sizeClass];
        slabCursor[sizeClass] = block + size;
        bytesInUse += size;
        bytesByClass[sizeClass] += size;
        long payload = block + BlockHeader.SIZE;
        MemorySegment m = mem;
        m.set(ValueLayout.JAVA_BYTE, payload + BlockHeader.SIZE_CLASS, (byte) sizeClass);
        m.set(ValueLayout.JAVA_SHORT, payload + BlockHeader.SLAB_GRANULES,
                (short) ((block - carvingSlab[sizeClass]) / GRANULE));
        return payload;
    }

    private void newSlab(int sizeClass) {
        long slab = allocateLarge(SLAB_BYTES - BlockHeader.LARGE_PAYLOAD_OFFSET, false);
        MemorySegment m = mem;
        m.set(INT, slab + BlockHeader.GENERATION, nextGeneration());
        m.set(ValueLayout.JAVA_BYTE, slab + BlockHeader.KIND, BlockHeader.SLAB);
        m.set(ValueLayout.JAVA_BYTE, slab + BlockHeader.SLAB_CLASS, (byte) sizeClass);
        slabCursor[sizeClass] = slab;
        slabLimit[sizeClass] = slab - BlockHeader.LARGE_PAYLOAD_OFFSET + SLAB_BYTES;
        carvingSlab[sizeClass] = slab;
        slabs.push(slab);
    }

    private long takeFree(int sizeClass) {
        long size = CLASS_SIZES[sizeClass];
        MemorySegment m = mem;
        long payload = freeSmall[sizeClass];
        if (!isFreedLink(payload, sizeClass)) {
            throw new CorruptedStoreException("entry heap: free list of size class " + size + " links to 0x"
                    + Long.toHexString(payload) + ", which is not a freed block of that class in heap " + range()
                    + " (" + region + ")");
        }
        freeSmall[sizeClass] = m.get(LONG, payload);
        freeSmallBytes -= size;
        if (zeroOnReuse) {
            zero(m, payload, size - BlockHeader.SIZE);
        }
        checkReused(payload, size - BlockHeader.SIZE);
        bytesInUse += size;
        bytesByClass[sizeClass] += size;
        m.set(ValueLayout.JAVA_BYTE, payload + BlockHeader.SIZE_CLASS, (byte) sizeClass);
        return payload;
    }

    private boolean isFreedLink(long payload, int sizeClass) {
        if (!checkOffsets) {
            return true;
        }
        MemorySegment m = mem;
        return payload >= heapStart + BlockHeader.SIZE && payload < top && (payload & 7) == 0
                && m.get(ValueLayout.JAVA_BYTE, payload + BlockHeader.KIND) == BlockHeader.FREED
                && (m.get(ValueLayout.JAVA_BYTE, payload + BlockHeader.SIZE_CLASS) & 0xFF) == sizeClass;
    }

    private long allocateLarge(long payloadBytes, boolean counted) {
        long pages = (payloadBytes + BlockHeader.LARGE_PAYLOAD_OFFSET + pageSize - 1) / pageSize;
        int log2Pages = 64 - Long.numberOfLeadingZeros(pages - 1);
        long bytes = pageSize << log2Pages;
        LongStack stack = largeStack(log2Pages);
        long start;
        if (!stack.isEmpty()) {
            start = stack.pop();
            if (zeroOnReuse && !policyZeroes) {
                // Around the header, not over it: a crash mid-fill must leave the block's size readable.
                long header = start + BlockHeader.LARGE_PAYLOAD_OFFSET - BlockHeader.SIZE;
                mem.asSlice(start, header - start).fill((byte) 0);
                mem.asSlice(header + BlockHeader.SIZE, bytes - BlockHeader.LARGE_PAYLOAD_OFFSET).fill((byte) 0);
            }
            checkReused(start + BlockHeader.LARGE_PAYLOAD_OFFSET, bytes - BlockHeader.LARGE_PAYLOAD_OFFSET);
        } else {
            start = top;
            try {
                ensureMapped(start + bytes);
            } catch (io.hmapstore.StoreFullException full) {
                // At the bound: gather the free space (merging freed blocks, lowering top) and try once more.
                defragment();
                if (!largeStack(log2Pages).isEmpty()) {
                    return allocateLarge(payloadBytes, counted);
                }
                start = top;
                ensureMapped(start + bytes);
            }
            if (start < dirtyUntil) {
                long dirty = Math.min(bytes, dirtyUntil - start);
                if (zeroOnReuse) {
                    mem.asSlice(start, dirty).fill((byte) 0);
                }
                checkReused(start + BlockHeader.LARGE_PAYLOAD_OFFSET, dirty - BlockHeader.LARGE_PAYLOAD_OFFSET);
            }
        }
        if (counted) {
            // A slab is not counted itself: the small blocks carved from it are.
            bytesInUse += bytes;
            largeBytesByPages.merge(bytes, bytes, Long::sum);
        }
        long payload = start + BlockHeader.LARGE_PAYLOAD_OFFSET;
        MemorySegment m = mem;
        m.set(ValueLayout.JAVA_BYTE, payload + BlockHeader.SIZE_CLASS, (byte) BlockHeader.LARGE_CLASS);
        m.set(ValueLayout.JAVA_SHORT, payload + BlockHeader.LOG2_PAGES, (short) log2Pages);
        if (start + bytes > top) {
            // Recorded once the block's header says its size (a walk of the heap up to top must find
            // a header on every block) and before the block is used (so recovery never misses a
            // block that holds data); the fences keep the JIT from reordering those stores.
            java.lang.invoke.VarHandle.storeStoreFence();
            setTop(start + bytes);
            java.lang.invoke.VarHandle.storeStoreFence();
        }
        return payload;
    }

    /**
     * Bytes at the end of the reserved range that only {@linkplain #allocateUrgent urgent} allocations
     * may use: an evacuation that has begun must be able to finish, or entries would be stranded.
     */
    private long reserve = DEFAULT_RESERVE;
    /** The urgent reserve of a store without a byte bound; a bounded store's is planned ({@link MemoryPlan}). */
    static final long DEFAULT_RESERVE = 1 << 20;
    private boolean urgent;

    /**
     * {@link #allocate} for work that must not fail halfway (an evacuation's overflow buckets,
     * recovery): it may use the last {@link #reserve} bytes of the range that ordinary writes may not.
     */
    synchronized long allocateUrgent(long payloadBytes, byte kind) {
        urgent = true;
        try {
            return allocate(payloadBytes, kind);
        } finally {
            urgent = false;
        }
    }

    /** Frees now whatever retired memory no reader can see any more. */
    void reclaimNow() {
        Reclaimer r = reclaimer;
        if (r != null) {
            r.reclaim();
        }
    }

    /**
     * Frees every retired block no reader is inside of, advancing the epoch as often as that takes: for
     * a bounded store that evicted and must see the bytes it freed before it evicts again.
     */
    void reclaimRetired() {
        Reclaimer r = reclaimer;
        if (r != null) {
            r.reclaimAll();
        }
    }

    private void ensureMapped(long end) {
        if (end <= region.size()) {
            return;
        }
        long limit = urgent ? region.maxSize() : region.maxSize() - reserve;
        if (end > limit) {
            throw new io.hmapstore.StoreFullException("store is full: needs " + end + " bytes mapped, its bound is "
                    + region.maxSize() + " (less " + (urgent ? 0 : reserve) + " kept for finishing a growth);"
                    + " open it with a larger reserveBytes or maxBytes");
        }
        // Grow geometrically so a growing table maps new memory O(log n) times, not once per block.
        long target = Math.max(end, Math.min(region.maxSize(), region.size() * 2));
        target = (target + pageSize - 1) / pageSize * pageSize;
        long before = region.size();
        region.grow(Math.min(target, region.maxSize()));
        mem = region.segment();
        if (hugePages) {
            region.adviseHugePages(before, region.size() - before);
        }
    }

    /**
     * Sets the bytes at the end of the range kept for urgent allocations: a bounded store's plan takes
     * them out of the bound up front.
     */
    synchronized void reserveUrgentBytes(long bytes) {
        reserve = bytes;
    }

    /**
     * @param payloadBytes a large block's payload
     * @return the bytes of the large block that holds it: whole pages, a power of two of them
     */
    static long largeBytes(long payloadBytes) {
        long pageSize = MappedRegion.pageSize();
        long pages = (payloadBytes + BlockHeader.LARGE_PAYLOAD_OFFSET + pageSize - 1) / pageSize;
        return pageSize << (64 - Long.numberOfLeadingZeros(pages - 1));
    }

    /**
     * @param payloadBytes an entry's payload
     * @return the bytes of the block that holds it, small or large
     */
    static long blockBytes(long payloadBytes) {
        long block = payloadBytes + BlockHeader.SIZE;
        return block <= MAX_SMALL_BLOCK ? CLASS_SIZES[classOf(block)] : largeBytes(payloadBytes);
    }

    /**
     * {@link #allocate} of a bucket array that is given up rather than forced: a bounded table does not
     * start a growth whose array cannot be had now, from a free block or below the bound less the
     * urgent reserve.
     *
     * @return the array's payload offset, or 0 if it does not fit now
     */
    synchronized long tryAllocateArray(long payloadBytes) {
        long bytes = largeBytes(payloadBytes);
        int log2Pages = Long.numberOfTrailingZeros(bytes / pageSize);
        LongStack free = freeLarge[log2Pages];
        if ((free == null || free.isEmpty()) && top + bytes > region.maxSize() - reserve) {
            return 0;
        }
        return allocate(payloadBytes, BlockHeader.BUCKETS);
    }

    /**
     * Makes the free space of a full heap usable again, for a bounded store that must make room: gives
     * back every wholly free slab (the ones still being carved too), then merges each run of adjacent
     * free large blocks into as few power-of-two blocks as it can, and takes a run that ends at
     * {@code top} off the heap, so the space is one stretch below the bound again. A cold path: it
     * walks the whole heap. Crash-ordered for files: the headers of a merged run are written from its
     * end backwards, so a walk of the heap finds a sound header wherever it lands; a lowered top is
     * recorded after the bytes above it are marked possibly dirty.
     */
    synchronized void defragment() {
        sweepSlabs(true);
        MemorySegment m = mem;
        java.util.Arrays.fill(freeLarge, null);
        long runStart = -1;
        long start = heapStart;
        while (start < top) {
            long payload = start + BlockHeader.LARGE_PAYLOAD_OFFSET;
            int log2Pages = m.get(ValueLayout.JAVA_SHORT, payload + BlockHeader.LOG2_PAGES);
            long bytes = log2Pages >= 0 && log2Pages < 40 ? pageSize << log2Pages : -1;
            if (bytes < 0 || start + bytes > top) {
                throw new CorruptedStoreException("entry heap: block at 0x" + Long.toHexString(start)
                        + " says it spans 2^" + log2Pages + " pages, past the heap " + range() + " of " + region);
            }
            boolean free = m.get(ValueLayout.JAVA_BYTE, payload + BlockHeader.KIND) == BlockHeader.FREED;
            if (free && runStart < 0) {
                runStart = start;
            } else if (!free && runStart >= 0) {
                mergeFreeRun(runStart, start);
                runStart = -1;
            }
            start += bytes;
        }
        if (runStart >= 0) {
            setDirtyUntil(Math.max(dirtyUntil, top));
            setTop(runStart);
        }
    }

    /** Rewrites the free blocks in {@code [from, to)} as power-of-two blocks, largest first, and lists them. */
    private void mergeFreeRun(long from, long to) {
        long[] starts = new long[64];
        int[] log2s = new int[64];
        int n = 0;
        for (long at = from; at < to; n++) {
            int log2 = 63 - Long.numberOfLeadingZeros((to - at) / pageSize);
            starts[n] = at;
            log2s[n] = log2;
            at += pageSize << log2;
        }
        for (int i = n - 1; i >= 0; i--) {
            writeLargeHeader(starts[i], log2s[i], BlockHeader.FREED);
            largeStack(log2s[i]).push(starts[i]);
        }
    }

    private LongStack largeStack(int log2Pages) {
        LongStack s = freeLarge[log2Pages];
        if (s == null) {
            s = new LongStack();
            freeLarge[log2Pages] = s;
        }
        return s;
    }

    /** Set in a generation when its block is retired; live generations stay below it. */
    static final int RETIRED = 0x8000_0000;

    private int nextGeneration() {
        generation = (generation + 1) & ~RETIRED;
        if (generation == 0) {
            generation = 1;
        }
        return generation;
    }

    private static int classOf(long blockBytes) {
        return CLASS_BY_GRANULE[(int) ((blockBytes + GRANULE - 1) / GRANULE)];
    }

    private static long[] sizeClasses() {
        java.util.ArrayList<Long> sizes = new java.util.ArrayList<>();
        for (long s = 16; s <= 128; s += 16) {
            sizes.add(s);
        }
        for (long base = 128; base < MAX_SMALL_BLOCK; base *= 2) {
            for (int q = 1; q <= 4; q++) {
                sizes.add(base + base / 4 * q);
            }
        }
        return sizes.stream().mapToLong(Long::longValue).toArray();
    }

    private static byte[] classLookup() {
        byte[] lookup = new byte[(int) (MAX_SMALL_BLOCK / GRANULE) + 1];
        int c = 0;
        for (int g = 0; g < lookup.length; g++) {
            while (CLASS_SIZES[c] < g * GRANULE) {
                c++;
            }
            lookup[g] = (byte) c;
        }
        return lookup;
    }

    /** A growable stack of longs, so free lists box nothing. */
    private static final class LongStack {
        private long[] items = new long[8];
        private int size;

        void push(long v) {
            if (size == items.length) {
                items = java.util.Arrays.copyOf(items, size * 2);
            }
            items[size++] = v;
        }

        long pop() {
            return items[--size];
        }

        boolean isEmpty() {
            return size == 0;
        }

        int size() {
            return size;
        }

        long get(int i) {
            return items[i];
        }

        void set(int i, long v) {
            items[i] = v;
        }

        void truncate(int n) {
            size = n;
        }
    }
}

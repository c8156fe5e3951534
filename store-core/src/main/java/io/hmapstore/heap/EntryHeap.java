package io.hmapstore.heap;

import io.hmapstore.CorruptedStoreException;
import io.hmapstore.memory.MappedRegion;
import io.hmapstore.memory.NativeCallException;
import io.hmapstore.memory.ReleasePolicy;
import io.hmapstore.store.MemoryPlan;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;
import java.util.TreeMap;

/**
 * The store's allocator: every bucket array, overflow bucket and entry lives in a block it hands out
 * from one {@link MappedRegion}. Offsets, never addresses, so the region may map anywhere.
 *
 * <p>Implementation notes. Blocks up to {@link SizeClasses#MAX_SMALL_BLOCK} are small and come from
 * {@link SmallBlocks} (size classes carved from slabs, free lists, sweeps that give whole slabs back).
 * Everything else — slabs themselves, bucket arrays, large entries — is a large block: a power-of-two
 * number of pages starting on a page, taken from a per-size free list kept on the Java heap (releasing
 * a block, for instance with {@code MADV_DONTNEED}, may wipe its bytes) or cut from {@code top}, the
 * heap's high-water mark, growing the mapping as it goes. A freed large block goes to the
 * {@link ReleasePolicy} at once ({@link ReleaseAndReuse}); {@link #reset()} releases the whole heap.
 * Memory that may still hold old bytes — a reused block, anything below the high-water mark of a heap
 * that was reset — is zeroed before it is handed out unless the {@code ZERO_ON_REUSE} guard is off.
 * The walks of the whole heap (rebuilding a reopened file's free lists, defragmenting a full bounded
 * heap) are {@link HeapWalks}.
 *
 * <p>Thread safety: all methods are synchronized; writers of different segments share the heap.
 */
public final class EntryHeap {
    private static final long GRANULE = SizeClasses.GRANULE;

    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;

    private final MappedRegion region;
    private final long pageSize;
    private final long heapStart;
    private final ReleaseAndReuse policy;
    private volatile Reclaimer reclaimer;
    /** Where {@code top} and {@code dirtyUntil} are mirrored in the file's superblock; -1 when anonymous. */
    private long persistedTop = -1;
    private boolean hugePages;
    private final boolean checkOffsets;

    private volatile MemorySegment mem;
    private volatile long top;
    private long dirtyUntil;
    private int generation;

    private final SmallBlocks small = new SmallBlocks(this);
    private final LongStack[] freeLarge = new LongStack[64];

    /** Bytes of large blocks handed out and not freed (slabs not counted: their small blocks are). */
    private long largeBytesInUse;
    /** Of those, the bytes of bucket arrays (live or retired): the table's share of a bound. */
    private long arrayBytesInUse;
    private final TreeMap<Long, Long> largeBytesByPages = new TreeMap<>();
    private long retiredBytes;

    public EntryHeap(MappedRegion region, long heapStart, ReleasePolicy policy, boolean zeroOnReuse, boolean checkOffsets,
            boolean verifyReuse) {
        this.region = region;
        this.pageSize = MappedRegion.pageSize();
        assert heapStart % pageSize == 0 : "heap must start on a page: " + heapStart;
        this.heapStart = heapStart;
        this.top = heapStart;
        this.dirtyUntil = heapStart;
        this.policy = new ReleaseAndReuse(region, policy, zeroOnReuse, verifyReuse);
        this.checkOffsets = checkOffsets;
        this.mem = region.segment();
    }

    /** @return the region's memory as currently mapped; re-read after any allocation */
    public MemorySegment mem() {
        return mem;
    }

    public long heapStart() {
        return heapStart;
    }

    /** @return the first offset past every block ever handed out */
    public long top() {
        return top;
    }

    /**
     * Hands out a block.
     *
     * @param payloadBytes bytes the caller needs
     * @param kind a {@link BlockHeader} kind
     * @return the payload's region offset; the payload reads as zeros unless ZERO_ON_REUSE is off
     */
    public synchronized long allocate(long payloadBytes, byte kind) {
        long block = payloadBytes + BlockHeader.SIZE;
        // Bucket arrays are always large: page-aligned, so an array's offset can be checked without a read.
        long payload = block <= SizeClasses.MAX_SMALL_BLOCK && kind != BlockHeader.BUCKETS
                ? small.allocate(SizeClasses.classOf(block)) : allocateLarge(payloadBytes, true);
        if (kind == BlockHeader.BUCKETS) {
            arrayBytesInUse += SizeClasses.largeBytes(payloadBytes);
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
    public synchronized void free(long payload) {
        MemorySegment m = mem;
        int sizeClass = m.get(ValueLayout.JAVA_BYTE, payload + BlockHeader.SIZE_CLASS) & 0xFF;
        if (HeapEvents.RETIRE.isEnabled()) {
            HeapEvents.Retire retire = new HeapEvents.Retire();
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
            largeBytesInUse -= bytes;
            if (kind == BlockHeader.BUCKETS) {
                arrayBytesInUse -= bytes;
            }
            largeBytesByPages.merge(bytes, -bytes, Long::sum);
            retiredBytes += bytes;
            giveBackLarge(start, log2Pages);
        } else {
            retiredBytes += SizeClasses.size(sizeClass);
            small.free(payload, sizeClass);
        }
    }

    /**
     * Releases a free large block with the policy and lists it for reuse. Recovery walks the heap block
     * by block, so in a file a released block must still say its size: its header is written again.
     */
    private void giveBackLarge(long start, int log2Pages) {
        policy.release(start, pageSize << log2Pages);
        if (persistedTop >= 0) {
            writeLargeHeader(start, log2Pages, BlockHeader.FREED);
        }
        largeStack(log2Pages).push(start);
    }

    /** Hands a slab whose blocks are all free to the release policy, as a free large block. */
    void releaseSlab(long slab) {
        MemorySegment m = mem;
        int log2Pages = m.get(ValueLayout.JAVA_SHORT, slab + BlockHeader.LOG2_PAGES);
        m.set(INT, slab + BlockHeader.GENERATION, 0);
        m.set(ValueLayout.JAVA_BYTE, slab + BlockHeader.KIND, BlockHeader.FREED);
        giveBackLarge(slab - BlockHeader.LARGE_PAYLOAD_OFFSET, log2Pages);
    }

    /** @return slabs given back to the release policy since the store opened */
    public synchronized long slabsReleased() {
        return small.slabsReleased();
    }

    /** @return sweeps run since the store opened */
    public synchronized long sweeps() {
        return small.sweeps();
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
    public void retire(long payload) {
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
    public synchronized void restoreBounds(long restoredTop, long restoredDirtyUntil) {
        top = restoredTop;
        dirtyUntil = restoredDirtyUntil;
    }

    /**
     * Mirrors {@code top} and {@code dirtyUntil} into the two longs at {@code offset} (the file's
     * superblock) from now on.
     */
    public void persistTopAt(long offset) {
        persistedTop = offset;
        setTop(top);
        setDirtyUntil(dirtyUntil);
    }

    /**
     * Rebuilds the allocator of a heap opened from a file ({@link HeapWalks#rebuild}).
     *
     * @param reachable block starts, as offsets from the heap start divided by 16
     * @param maxGeneration the largest generation seen, so new stamps never repeat old ones
     * @throws CorruptedStoreException if a block header is impossible
     */
    public synchronized void rebuild(java.util.BitSet reachable, int maxGeneration) {
        HeapWalks.rebuild(this, reachable, maxGeneration);
    }

    /** For a rebuild: forgets every block and count, keeping {@code top}. */
    void forgetBooks(int maxGeneration) {
        generation = Math.max(generation, maxGeneration & ~RETIRED);
        largeBytesInUse = 0;
        arrayBytesInUse = 0;
        small.forget();
        forgetFreeLarge();
        largeBytesByPages.clear();
    }

    /** For a rebuild: counts a large block a segment reaches. */
    void countReached(long bytes, byte kind) {
        largeBytesInUse += bytes;
        if (kind == BlockHeader.BUCKETS) {
            arrayBytesInUse += bytes;
        }
        largeBytesByPages.merge(bytes, bytes, Long::sum);
    }

    /** Frees a large block nothing reaches, on open: released (or zeroed), so it reads as zeros whatever a crash left. */
    void freeUnreached(long start, long bytes, int log2Pages) {
        policy.release(start, bytes);
        if (!policy.policyZeroes) {
            mem.asSlice(start, bytes).fill((byte) 0);
        }
        listFreeLarge(start, log2Pages);
    }

    /** Writes a free large block's header and lists it for reuse. */
    void listFreeLarge(long start, int log2Pages) {
        writeLargeHeader(start, log2Pages, BlockHeader.FREED);
        largeStack(log2Pages).push(start);
    }

    void forgetFreeLarge() {
        java.util.Arrays.fill(freeLarge, null);
    }

    /** Takes the free run {@code [newTop, top)} off the heap; its bytes may be dirty when handed out again. */
    void lowerTop(long newTop) {
        setDirtyUntil(Math.max(dirtyUntil, top));
        setTop(newTop);
    }

    SmallBlocks small() {
        return small;
    }

    /** @return the reachability index of the block starting at {@code blockStart} */
    public long granuleOf(long blockStart) {
        return granule(blockStart);
    }

    int granule(long blockStart) {
        return (int) ((blockStart - heapStart) / GRANULE);
    }

    /** @return the start of the block whose payload is at {@code payload} */
    public long blockStart(long payload) {
        int sizeClass = mem.get(ValueLayout.JAVA_BYTE, payload + BlockHeader.SIZE_CLASS) & 0xFF;
        return sizeClass == BlockHeader.LARGE_CLASS ? payload - BlockHeader.LARGE_PAYLOAD_OFFSET
                : payload - BlockHeader.SIZE;
    }

    /** Defers every later {@link #retire} until readers are done (concurrent mode). */
    public void deferFrees(Reclaimer r) {
        this.reclaimer = r;
    }

    /** @return the generation stamp of the block at {@code payload}; 0 once it is freed */
    public int generation(long payload) {
        return mem.get(INT, payload + BlockHeader.GENERATION);
    }

    /** @return the payload capacity of the block at {@code payload}, read from its header */
    public long capacity(long payload) {
        MemorySegment m = mem;
        int sizeClass = m.get(ValueLayout.JAVA_BYTE, payload + BlockHeader.SIZE_CLASS) & 0xFF;
        if (sizeClass == BlockHeader.LARGE_CLASS) {
            int log2Pages = m.get(ValueLayout.JAVA_SHORT, payload + BlockHeader.LOG2_PAGES);
            return (log2Pages < 0 || log2Pages > BlockHeader.MAX_LOG2_PAGES) ? -1 : (pageSize << log2Pages) - BlockHeader.LARGE_PAYLOAD_OFFSET;
        }
        return sizeClass < SizeClasses.COUNT ? SizeClasses.size(sizeClass) - BlockHeader.SIZE : -1;
    }

    /**
     * Whether {@code payload}, an offset read back from memory, can be followed: inside the heap,
     * 8-aligned, on a live block of the expected kind. With OFFSET_CHECK off, always true.
     *
     * @param payload the offset
     * @param kind the {@link BlockHeader} kind it must point to
     * @return whether it is sound
     */
    public boolean isValid(long payload, byte kind) {
        return !checkOffsets || isBlock(mem, payload, kind);
    }

    /**
     * {@link #isValid}'s test made whatever OFFSET_CHECK says, against the mapping {@code m} a reader
     * took: for lock-free readers, which must never fault on an offset a writer tore.
     */
    public boolean isBlock(MemorySegment m, long payload, byte kind) {
        return payload >= heapStart + BlockHeader.SIZE && payload < Math.min(top, m.byteSize()) && (payload & 7) == 0
                && m.get(ValueLayout.JAVA_BYTE, payload + BlockHeader.KIND) == kind
                && m.get(INT, payload + BlockHeader.GENERATION) != 0;
    }

    /** @return "[start, top)" of the heap, for error messages */
    public String range() {
        return "[0x" + Long.toHexString(heapStart) + ", 0x" + Long.toHexString(top) + ")";
    }

    /**
     * Frees everything at once and hands the whole heap to the release policy: {@code clear()}.
     * Offsets handed out before are dead afterwards.
     */
    public synchronized void reset() {
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
            policy.release(heapStart, used);
        }
        if (policy.policyZeroes) {
            setDirtyUntil(heapStart);
        }
        retiredBytes += largeBytesInUse + small.bytesInUse();
        largeBytesInUse = 0;
        arrayBytesInUse = 0;
        small.forget();
        java.util.Arrays.fill(freeLarge, null);
        largeBytesByPages.clear();
    }

    /** @return nanoseconds spent inside release-policy calls */
    public synchronized long releaseNanos() {
        return policy.releaseNanos();
    }

    /** Advises transparent huge pages (MADV_HUGEPAGE) for the heap, now and as the mapping grows. */
    public synchronized void adviseHugePages() {
        hugePages = true;
        try {
            region.adviseHugePages(heapStart, region.size() - heapStart);
        } catch (NativeCallException e) {
            throw NativeFailure.of("cannot advise huge pages for the store's heap", e);
        }
    }

    /** @return non-zero bytes found in reused blocks as they were handed out (checking mode only) */
    public synchronized long reusedNonZeroBytes() {
        return policy.reusedNonZeroBytes();
    }

    public synchronized long bytesInUse() {
        return largeBytesInUse + small.bytesInUse();
    }

    /** @return bytes in use by everything but bucket arrays: entries, overflow buckets (what eviction frees) */
    public synchronized long entryBytesInUse() {
        return largeBytesInUse + small.bytesInUse() - arrayBytesInUse;
    }

    public synchronized long retiredBytes() {
        return retiredBytes;
    }

    public synchronized Map<ReleasePolicy, Long> releasedBytes() {
        return policy.releasedBytes();
    }

    public synchronized Map<Long, Long> bytesBySizeClass() {
        TreeMap<Long, Long> out = new TreeMap<>();
        small.bytesBySize(out);
        largeBytesByPages.forEach((size, bytes) -> {
            if (bytes != 0) {
                out.put(size, bytes);
            }
        });
        return out;
    }

    /** A large block for a slab, stamped with a fresh generation; {@link SmallBlocks} writes the rest. */
    long allocateSlabBlock(long payloadBytes) {
        long slab = allocateLarge(payloadBytes, false);
        mem.set(INT, slab + BlockHeader.GENERATION, nextGeneration());
        return slab;
    }

    /** Readies a small block taken off a free list: zeroed unless ZERO_ON_REUSE is off, then checked. */
    void prepareReused(long payload, long length) {
        policy.prepare(mem, payload, length);
    }

    /** @return whether offsets read back from memory are checked (the OFFSET_CHECK guard) */
    boolean checksOffsets() {
        return checkOffsets;
    }

    long pageSize() {
        return pageSize;
    }

    /** @return the heap and its region, for error messages */
    String where() {
        return "heap " + range() + " (" + region + ")";
    }

    private long allocateLarge(long payloadBytes, boolean counted) {
        int log2Pages = SizeClasses.largeLog2Pages(payloadBytes);
        long bytes = pageSize << log2Pages;
        LongStack stack = largeStack(log2Pages);
        long start;
        if (!stack.isEmpty()) {
            start = stack.pop();
            if (policy.zeroOnReuse && !policy.policyZeroes) {
                // Around the header, not over it: a crash mid-fill must leave the block's size readable.
                long header = start + BlockHeader.LARGE_PAYLOAD_OFFSET - BlockHeader.SIZE;
                mem.asSlice(start, header - start).fill((byte) 0);
                mem.asSlice(header + BlockHeader.SIZE, bytes - BlockHeader.LARGE_PAYLOAD_OFFSET).fill((byte) 0);
            }
            policy.check(mem, start + BlockHeader.LARGE_PAYLOAD_OFFSET, bytes - BlockHeader.LARGE_PAYLOAD_OFFSET);
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
                if (policy.zeroOnReuse) {
                    mem.asSlice(start, dirty).fill((byte) 0);
                }
                policy.check(mem, start + BlockHeader.LARGE_PAYLOAD_OFFSET, dirty - BlockHeader.LARGE_PAYLOAD_OFFSET);
            }
        }
        if (counted) {
            // A slab is not counted itself: the small blocks carved from it are.
            largeBytesInUse += bytes;
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
    /** The urgent reserve of a store without a byte bound; a bounded store's is planned (the store's {@code MemoryPlan}). */
    public static final long DEFAULT_RESERVE = 1 << 20;
    private boolean urgent;

    /**
     * {@link #allocate} for work that must not fail halfway (an evacuation's overflow buckets,
     * recovery): it may use the last {@link #reserve} bytes of the range that ordinary writes may not.
     */
    public synchronized long allocateUrgent(long payloadBytes, byte kind) {
        urgent = true;
        try {
            return allocate(payloadBytes, kind);
        } finally {
            urgent = false;
        }
    }

    /** Frees now whatever retired memory no reader can see any more. */
    public void reclaimNow() {
        Reclaimer r = reclaimer;
        if (r != null) {
            r.reclaim();
        }
    }

    /**
     * Frees every retired block no reader is inside of, advancing the epoch as often as that takes: for
     * a bounded store that evicted and must see the bytes it freed before it evicts again.
     */
    public void reclaimRetired() {
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
        try {
            region.grow(Math.min(target, region.maxSize()));
            mem = region.segment();
            if (hugePages) {
                region.adviseHugePages(before, region.size() - before);
            }
        } catch (NativeCallException e) {
            throw NativeFailure.of("cannot grow the store's mapping from " + before + " to "
                    + Math.min(target, region.maxSize()) + " bytes", e);
        }
    }

    /**
     * Sets the bytes at the end of the range kept for urgent allocations: a bounded store's plan takes
     * them out of the bound up front.
     */
    public synchronized void reserveUrgentBytes(long bytes) {
        reserve = bytes;
    }

    /**
     * {@link #allocate} of a bucket array that is given up rather than forced: a bounded table does not
     * start a growth whose array cannot be had now, from a free block or below the bound less the
     * urgent reserve.
     *
     * @return the array's payload offset, or 0 if it does not fit now
     */
    public synchronized long tryAllocateArray(long payloadBytes) {
        long bytes = SizeClasses.largeBytes(payloadBytes);
        int log2Pages = Long.numberOfTrailingZeros(bytes / pageSize);
        LongStack free = freeLarge[log2Pages];
        if ((free == null || free.isEmpty()) && top + bytes > region.maxSize() - reserve) {
            return 0;
        }
        return allocate(payloadBytes, BlockHeader.BUCKETS);
    }

    /** Gathers a full bounded heap's free space ({@link HeapWalks#defragment}). */
    public synchronized void defragment() {
        HeapWalks.defragment(this);
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

    int nextGeneration() {
        generation = (generation + 1) & ~RETIRED;
        if (generation == 0) {
            generation = 1;
        }
        return generation;
    }
}

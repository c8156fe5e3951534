package io.hmapstore.heap;

import io.hmapstore.CorruptedStoreException;
import io.hmapstore.memory.MappedRegion;
import io.hmapstore.memory.ReleasePolicy;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.TreeMap;

/**
 * The store's allocator: every bucket array, overflow bucket and entry lives in a block it hands out
 * from one {@link MappedRegion}. Offsets, never addresses, so the region may map anywhere.
 *
 * <p>Implementation notes. Blocks up to {@link SizeClasses#MAX_SMALL_BLOCK} are small and come from
 * {@link SmallBlocks} (size classes carved from slabs, free lists, sweeps that give whole slabs back).
 * Everything else — slabs themselves, bucket arrays, large entries — is a large block: a power-of-two
 * number of pages starting on a page, from {@link LargeBlocks} (per-size free lists kept on the Java
 * heap, or cut from {@code top}, the heap's high-water mark). {@link HeapMapping} grows the mapping as
 * {@code top} rises, keeps the urgent reserve and records {@code top} in a file. A freed large block
 * goes to the {@link ReleasePolicy} at once ({@link ReleaseAndReuse}); {@link #reset()} releases the
 * whole heap. Memory that may still hold old bytes — a reused block, anything below the high-water mark
 * of a heap that was reset — is zeroed before it is handed out unless the {@code ZERO_ON_REUSE} guard
 * is off. The walks of the whole heap (rebuilding a reopened file's free lists, defragmenting a full
 * bounded heap) are {@link HeapWalks}. This class keeps the generations, the header queries readers
 * make, and the fields they read on every operation ({@code mem}, {@code top}).
 *
 * <p>Thread safety: all methods are synchronized; writers of different segments share the heap. The
 * parts above have no locking of their own: this heap owns them and calls them only from its
 * synchronized methods.
 */
public final class EntryHeap {
    private static final long GRANULE = SizeClasses.GRANULE;

    private final MappedRegion region;
    private final long pageSize;
    private final long heapStart;
    private final ReleaseAndReuse policy;
    private volatile Reclaimer reclaimer;
    private final boolean checkOffsets;

    /** The region's memory as mapped; after construction, written only by {@link HeapMapping}. */
    volatile MemorySegment mem;
    /** The first offset past every block; after construction, written only by {@link HeapMapping}. */
    volatile long top;
    private int generation;
    /**
     * Set by a free that leaves the slabs sparse ({@link SmallBlocks}), cleared when a compaction is
     * planned: what a writer reads, without the lock, to know whether to start one.
     */
    volatile boolean compactionWanted;

    private final SmallBlocks small = new SmallBlocks(this);
    private final HeapMapping mapping;
    private final LargeBlocks large;
    private long retiredBytes;

    public EntryHeap(MappedRegion region, long heapStart, ReleasePolicy policy, boolean zeroOnReuse, boolean checkOffsets,
            boolean verifyReuse) {
        this.region = region;
        this.pageSize = MappedRegion.pageSize();
        assert heapStart % pageSize == 0 : "heap must start on a page: " + heapStart;
        this.heapStart = heapStart;
        this.top = heapStart;
        this.policy = new ReleaseAndReuse(region, policy, zeroOnReuse, verifyReuse);
        this.checkOffsets = checkOffsets;
        this.mem = region.segment();
        this.mapping = new HeapMapping(this, region, heapStart);
        this.large = new LargeBlocks(this, mapping, this.policy, pageSize);
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
                ? small.allocate(SizeClasses.classOf(block)) : large.allocate(payloadBytes, true);
        if (kind == BlockHeader.BUCKETS) {
            large.countArray(SizeClasses.largeBytes(payloadBytes));
        }
        MemorySegment m = mem;
        BlockHeader.setGeneration(m, payload, nextGeneration());
        BlockHeader.setKind(m, payload, kind);
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
        int sizeClass = BlockHeader.sizeClass(m, payload);
        if (HeapEvents.RETIRE.isEnabled()) {
            HeapEvents.Retire retire = new HeapEvents.Retire();
            retire.offset = payload;
            retire.bytes = capacity(payload) + BlockHeader.SIZE;
            retire.kind = BlockHeader.kindName(BlockHeader.kind(m, payload));
            retire.commit();
        }
        byte kind = BlockHeader.kind(m, payload);
        BlockHeader.setGeneration(m, payload, 0);
        BlockHeader.setKind(m, payload, BlockHeader.FREED);
        if (sizeClass == BlockHeader.LARGE_CLASS) {
            int log2Pages = BlockHeader.log2Pages(m, payload);
            retiredBytes += pageSize << log2Pages;
            large.free(payload - BlockHeader.LARGE_PAYLOAD_OFFSET, log2Pages, kind);
        } else {
            retiredBytes += SizeClasses.size(sizeClass);
            small.free(payload, sizeClass);
        }
    }

    /** @return slabs given back to the release policy since the store opened */
    public synchronized long slabsReleased() {
        return small.slabsReleased();
    }

    /* --- Compaction: the store moves live entries out of sparse slabs (see SlabEvacuation) --- */

    /** Lock-free: whether the small slabs are sparse enough that a compaction should start. */
    public boolean compactionWanted() {
        return compactionWanted;
    }

    /**
     * Starts (or widens) a compaction: the slabs with at most {@code maxOccupancy} of their blocks in
     * use become sources, taken out of allocation; each empties as its blocks are moved away or freed
     * and then goes to the release policy.
     *
     * @return {slabs chosen, bytes in use in them}
     */
    public synchronized long[] planCompaction(double maxOccupancy) {
        return small.planEvacuation(maxOccupancy);
    }

    /**
     * Lock-free: whether the block at {@code payload}, live and held steady by the caller's segment lock,
     * lies in a slab being emptied, so the caller should move it.
     */
    public boolean isEvacuating(long payload) {
        return small.isEvacuating(mem, payload);
    }

    /** @return whether a compaction still has slabs to empty */
    public synchronized boolean compacting() {
        return small.evacuating();
    }

    /** Ends a compaction: a source it could not empty goes back to ordinary use ({@link SmallBlocks#endEvacuation}). */
    public synchronized void endCompaction() {
        small.endEvacuation();
    }

    /** @return the fraction of the small slabs' bytes not in use: free blocks and unused slab tails */
    public synchronized double fragmentation() {
        return small.fragmentation();
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
        BlockHeader.setGeneration(m, payload, BlockHeader.generation(m, payload) | RETIRED);
        Reclaimer r = reclaimer;
        if (r == null) {
            free(payload);
        } else {
            r.retire(payload);
        }
    }

    /** Sets the bounds a reopened file recorded, before anything in the heap is followed. */
    public synchronized void restoreBounds(long restoredTop, long restoredDirtyUntil) {
        mapping.restoreBounds(restoredTop, restoredDirtyUntil);
    }

    /**
     * Mirrors {@code top} and {@code dirtyUntil} into the two longs at {@code offset} (the file's
     * superblock) from now on.
     */
    public void persistTopAt(long offset) {
        mapping.persistTopAt(offset);
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
        large.forget();
        small.forget();
    }

    SmallBlocks small() {
        return small;
    }

    LargeBlocks large() {
        return large;
    }

    HeapMapping mapping() {
        return mapping;
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
        int sizeClass = BlockHeader.sizeClass(mem, payload);
        return sizeClass == BlockHeader.LARGE_CLASS ? payload - BlockHeader.LARGE_PAYLOAD_OFFSET
                : payload - BlockHeader.SIZE;
    }

    /** Defers every later {@link #retire} until readers are done (concurrent mode). */
    public void deferFrees(Reclaimer r) {
        this.reclaimer = r;
    }

    /** @return the generation stamp of the block at {@code payload}; 0 once it is freed */
    public int generation(long payload) {
        return BlockHeader.generation(mem, payload);
    }

    /** @return the payload capacity of the block at {@code payload}, read from its header */
    public long capacity(long payload) {
        MemorySegment m = mem;
        int sizeClass = BlockHeader.sizeClass(m, payload);
        if (sizeClass == BlockHeader.LARGE_CLASS) {
            int log2Pages = BlockHeader.log2Pages(m, payload);
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
                && BlockHeader.kind(m, payload) == kind && BlockHeader.generation(m, payload) != 0;
    }

    /** @return "[start, top)" of the heap, for error messages */
    public String range() {
        return "[0x" + Long.toHexString(heapStart) + ", 0x" + Long.toHexString(top) + ")";
    }

    /**
     * Frees everything at once and hands the whole heap to the release policy: {@code clear()}.
     * Offsets handed out before are dead afterwards.
     */
    public void reset() {
        // The reclaimer's queue first, and outside this heap's lock: a reclaim holds the reclaimer's lock
        // while it frees into the heap, so taking them the other way round could deadlock with a
        // cleanUp() (ResetLockOrderTest). No writer retires meanwhile: clear() holds every segment.
        Reclaimer r = reclaimer;
        if (r != null) {
            r.drop();
        }
        resetBlocks();
    }

    private synchronized void resetBlocks() {
        long used = top - heapStart;
        // Crash-ordered: the file must never record a top over a heap the policy has already wiped
        // (a walk of it would find no block headers and refuse the file). So: mark the old heap as
        // possibly holding old bytes, record the empty heap, and only then release it.
        mapping.lowerTop(heapStart);
        if (used > 0) {
            policy.release(heapStart, used);
        }
        if (policy.policyZeroes) {
            mapping.setDirtyUntil(heapStart);
        }
        retiredBytes += large.bytesInUse() + small.bytesInUse();
        large.forget();
        small.forget();
    }

    /** @return nanoseconds spent inside release-policy calls */
    public synchronized long releaseNanos() {
        return policy.releaseNanos();
    }

    /** Advises transparent huge pages (MADV_HUGEPAGE) for the heap, now and as the mapping grows. */
    public synchronized void adviseHugePages() {
        mapping.adviseHugePages(heapStart);
    }

    /** @return non-zero bytes found in reused blocks as they were handed out (checking mode only) */
    public synchronized long reusedNonZeroBytes() {
        return policy.reusedNonZeroBytes();
    }

    public synchronized long bytesInUse() {
        return large.bytesInUse() + small.bytesInUse();
    }

    /** @return bytes in use by everything but bucket arrays: entries, overflow buckets (what eviction frees) */
    public synchronized long entryBytesInUse() {
        return large.bytesInUse() + small.bytesInUse() - large.arrayBytesInUse();
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
        large.bytesBySize(out);
        return out;
    }

    /** A large block for a slab, stamped with a fresh generation; {@link SmallBlocks} writes the rest. */
    long allocateSlabBlock(long payloadBytes) {
        long slab = large.allocate(payloadBytes, false);
        BlockHeader.setGeneration(mem, slab, nextGeneration());
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

    /** The urgent reserve of a store without a byte bound; a bounded store's is planned (the store's {@code MemoryPlan}). */
    public static final long DEFAULT_RESERVE = 1 << 20;

    /**
     * {@link #allocate} for work that must not fail halfway (an evacuation's overflow buckets,
     * recovery): it may use the last bytes of the range, the urgent reserve, that ordinary writes may not.
     */
    public synchronized long allocateUrgent(long payloadBytes, byte kind) {
        mapping.setUrgent(true);
        try {
            return allocate(payloadBytes, kind);
        } finally {
            mapping.setUrgent(false);
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

    /**
     * Sets the bytes at the end of the range kept for urgent allocations: a bounded store's plan takes
     * them out of the bound up front.
     */
    public synchronized void reserveUrgentBytes(long bytes) {
        mapping.reserveUrgentBytes(bytes);
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
        if (!large.hasFree(log2Pages) && !mapping.fitsBelowReserve(top + bytes)) {
            return 0;
        }
        return allocate(payloadBytes, BlockHeader.BUCKETS);
    }

    /** Gathers a full bounded heap's free space ({@link HeapWalks#defragment}). */
    public synchronized void defragment() {
        HeapWalks.defragment(this);
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

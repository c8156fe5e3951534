package io.hmapstore.heap;

import io.hmapstore.CorruptedStoreException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.BitSet;
import java.util.Map;

/**
 * The entry heap's small blocks: each {@linkplain SizeClasses size class} carves blocks out of 64 KiB
 * slabs and recycles freed blocks through an intrusive LIFO free list whose link sits in the freed
 * payload; a sweep gives wholly free slabs back to the heap as free large blocks.
 *
 * <p>Implementation notes. A slab is a large block of {@link #SLAB_BYTES}; its header records its class,
 * and each small block's header records its distance from the slab in granules, so freeing a block
 * finds its slab without a search. A sweep (Go's scavenger, run inline) runs when at least half the
 * slab bytes are free and twice as many bytes are free as after the last sweep: it counts each slab's
 * free blocks in the slab's header, takes the blocks of wholly free slabs off the free lists (the others
 * keep their order) and releases those slabs. A sweep costs one pass over the slabs and the free lists
 * and allocates nothing; the doubling rule keeps a store whose free blocks are scattered over many
 * slabs from sweeping again and again for nothing. The slab a class is still carving is kept unless
 * the sweep is a full bounded store's ({@link #sweep(boolean)} with {@code carving}).
 *
 * <p>Thread safety: none of its own; only {@link EntryHeap}'s synchronized methods call it.
 */
public final class SmallBlocks {
    public static final long SLAB_BYTES = 64 * 1024;
    /** No sweep before this many small bytes are free: four slabs' worth. */
    private static final long SWEEP_FLOOR = 4 * SLAB_BYTES;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;

    private final EntryHeap heap;
    private final long[] freeList = new long[SizeClasses.COUNT];
    private final long[] cursor = new long[SizeClasses.COUNT];
    private final long[] limit = new long[SizeClasses.COUNT];
    /** The payload of the slab {@link #cursor} carves, per class; 0 for none. */
    private final long[] carving = new long[SizeClasses.COUNT];
    /** Every slab not given back, by payload offset: what a sweep walks. */
    private final LongStack slabs = new LongStack();
    private final long[] bytesByClass = new long[SizeClasses.COUNT];
    private long bytesInUse;
    /** Bytes of small blocks on the free lists. */
    private long freeBytes;
    /** The free small bytes at which the next sweep runs (see the class notes). */
    private long nextSweepAt = SWEEP_FLOOR;
    private long slabsReleased;
    private long sweeps;
    /** The slabs a compaction is emptying ({@link #planEvacuation}). */
    private final SlabEvacuation evacuation = new SlabEvacuation();
    /** Bytes of small blocks freed since the store opened: what a plan that found nothing waits on. */
    private long freedBytes;
    /** After a plan that found nothing, none again before {@link #freedBytes} reaches this. */
    private long nextCompactionAt;
    /** No compaction before this many small bytes are free: a small heap's slack is not worth moving entries for. */
    static final long COMPACTION_FLOOR = 4 * SLAB_BYTES;

    SmallBlocks(EntryHeap heap) {
        this.heap = heap;
    }

    /** @return a block of class {@code sizeClass}: from its free list, else carved from a slab */
    long allocate(int sizeClass) {
        long size = SizeClasses.size(sizeClass);
        if (freeList[sizeClass] == 0 && cursor[sizeClass] + size > limit[sizeClass]) {
            try {
                newSlab(sizeClass);
            } catch (io.hmapstore.StoreFullException full) {
                // At the memory bound, a freed block of a larger class serves rather than failing: the
                // bound holds, at the cost of the difference.
                for (int larger = sizeClass + 1; larger < SizeClasses.COUNT; larger++) {
                    if (freeList[larger] != 0) {
                        return takeFree(larger);
                    }
                }
                throw full;
            }
        }
        if (freeList[sizeClass] != 0) {
            return takeFree(sizeClass);
        }
        long block = cursor[sizeClass];
        cursor[sizeClass] = block + size;
        inUse(sizeClass, size);
        long payload = block + BlockHeader.SIZE;
        MemorySegment m = heap.mem();
        BlockHeader.setSizeClass(m, payload, sizeClass);
        BlockHeader.setSlabGranules(m, payload, (block - carving[sizeClass]) / SizeClasses.GRANULE);
        return payload;
    }

    /** Puts a block whose header is already marked freed on its class's list; sweeps when the rule says. */
    void free(long payload, int sizeClass) {
        long size = SizeClasses.size(sizeClass);
        inUse(sizeClass, -size);
        freedBytes += size;
        if (evacuation.active()) {
            long slab = slabOf(heap.mem(), payload, sizeClass);
            int source = evacuation.indexOf(slab);
            if (source >= 0) {
                // A source's blocks stay off the free lists: its last one gives the whole slab back.
                if (evacuation.freed(source)) {
                    evacuation.givenBack(source);
                    forgetSlab(slab);
                    heap.large().releaseSlab(slab);
                    slabsReleased++;
                }
                return;
            }
        }
        heap.mem().set(LONG, payload, freeList[sizeClass]);
        freeList[sizeClass] = payload;
        freeBytes += size;
        if (freeBytes >= nextSweepAt && 2 * freeBytes >= slabs.size() * SLAB_BYTES) {
            sweep(false);
        }
        if (!heap.compactionWanted && compactionWanted()) {
            heap.compactionWanted = true;
        }
    }

    /**
     * Whether the slabs are sparse enough to compact: at least half their bytes free (and more than
     * {@link #COMPACTION_FLOOR}), and, after a plan that found nothing to move (its sparse slabs still
     * carved, or holding blocks retired but not yet freed), four slabs' worth of frees since (so it is not
     * made again on the next write).
     */
    private boolean compactionWanted() {
        long slabBytes = slabs.size() * SLAB_BYTES;
        return 2 * bytesInUse <= slabBytes && slabBytes - bytesInUse >= COMPACTION_FLOOR && freedBytes >= nextCompactionAt;
    }

    /** @return the fraction of the slabs' bytes not in use, 0 with no slab */
    double fragmentation() {
        long slabBytes = slabs.size() * SLAB_BYTES;
        return slabBytes == 0 ? 0 : 1 - (double) bytesInUse / slabBytes;
    }

    /**
     * Chooses the slabs a compaction empties: every slab, but those still being carved, with at most
     * {@code maxOccupancy} of its blocks in use. Their free blocks come off the free lists, so nothing is
     * allocated in them again; the blocks still in use leave them by {@link EntryHeap#free}, and the last
     * one gives the slab back.
     *
     * @return the slabs chosen, and with them the bytes in use there (what the compaction will move)
     */
    long[] planEvacuation(double maxOccupancy) {
        sweep(false);
        MemorySegment m = heap.mem();
        int n = slabs.size();
        long[] chosen = new long[n];
        int[] inUse = new int[n];
        int k = 0;
        long bytesToMove = 0;
        for (int i = 0; i < n; i++) {
            long slab = slabs.get(i);
            int c = BlockHeader.slabClass(m, slab);
            long per = blocksPerSlab(c);
            // sweep() left each kept slab's free-list count in its header.
            int live = (int) (per - BlockHeader.slabFreeBlocks(m, slab));
            if (slab != carving[c] && evacuation.indexOf(slab) < 0 && live <= per * maxOccupancy) {
                chosen[k] = slab;
                inUse[k++] = live;
                bytesToMove += live * SizeClasses.size(c);
            }
        }
        if (k > 0) {
            long[] sorted = java.util.Arrays.copyOf(chosen, k);
            java.util.Arrays.sort(sorted);
            for (int c = 0; c < SizeClasses.COUNT; c++) {
                freeList[c] = unlist(m, c, sorted, false);
            }
            evacuation.add(chosen, inUse, k);
        }
        nextCompactionAt = k > 0 ? 0 : freedBytes + 4 * SLAB_BYTES;
        heap.compactionWanted = false;
        return new long[] {k, bytesToMove};
    }

    /**
     * Takes blocks off class {@code c}'s free list, keeping the others in order: those of the sorted
     * {@code sources}, or, with none, those of wholly free slabs (a sweep). A flag, not a predicate, so a
     * sweep allocates nothing.
     *
     * @return the list's new head
     */
    private long unlist(MemorySegment m, int c, long[] sources, boolean withCarving) {
        long head = 0;
        long tail = 0;
        for (long p = freeList[c]; p != 0; ) {
            long next = m.get(LONG, p);
            long slab = slabOf(m, p, c);
            if (sources != null ? java.util.Arrays.binarySearch(sources, slab) >= 0 : isWhollyFree(m, slab, c, withCarving)) {
                freeBytes -= SizeClasses.size(c);
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
        return head;
    }

    /** Lock-free: whether the small block at {@code payload} lies in a slab a compaction is emptying. */
    boolean isEvacuating(MemorySegment m, long payload) {
        int sizeClass = BlockHeader.sizeClass(m, payload);
        if (sizeClass >= SizeClasses.COUNT) {
            return false;
        }
        long slab = payload - BlockHeader.SIZE - SizeClasses.GRANULE * BlockHeader.slabGranules(m, payload);
        return evacuation.contains(slab);
    }

    /** @return whether a compaction still has slabs to empty */
    boolean evacuating() {
        return evacuation.active();
    }

    /**
     * Ends a compaction: every source still holding blocks (an entry a reader's epoch keeps, or one the
     * walk could not move because a bounded store was full) goes back to ordinary use, its free blocks
     * listed again, so nothing is lost to a compaction that did not finish.
     */
    void endEvacuation() {
        MemorySegment m = heap.mem();
        for (long slab : evacuation.pendingSlabs()) {
            int c = BlockHeader.slabClass(m, slab);
            long size = SizeClasses.size(c);
            // Blocks are carved from the slab's payload on (newSlab), up to the end of its 64 KiB.
            long end = slab - BlockHeader.LARGE_PAYLOAD_OFFSET + SLAB_BYTES;
            for (long block = slab; block + size <= end; block += size) {
                long payload = block + BlockHeader.SIZE;
                if (BlockHeader.kind(m, payload) == BlockHeader.FREED) {
                    m.set(LONG, payload, freeList[c]);
                    freeList[c] = payload;
                    freeBytes += size;
                }
            }
            evacuation.givenBack(evacuation.indexOf(slab));
        }
        // Frees into sources skip the check in free(): make it now, so what the run left sparse starts the next.
        heap.compactionWanted = compactionWanted();
    }

    private void forgetSlab(long slab) {
        int n = slabs.size();
        for (int i = 0; i < n; i++) {
            if (slabs.get(i) == slab) {
                slabs.set(i, slabs.get(n - 1));
                slabs.truncate(n - 1);
                return;
            }
        }
    }

    private void inUse(int sizeClass, long bytes) {
        bytesInUse += bytes;
        bytesByClass[sizeClass] += bytes;
    }

    private void newSlab(int sizeClass) {
        long slab = heap.allocateSlabBlock(SLAB_BYTES - BlockHeader.LARGE_PAYLOAD_OFFSET);
        MemorySegment m = heap.mem();
        BlockHeader.setKind(m, slab, BlockHeader.SLAB);
        BlockHeader.setSlabClass(m, slab, sizeClass);
        cursor[sizeClass] = slab;
        limit[sizeClass] = slab - BlockHeader.LARGE_PAYLOAD_OFFSET + SLAB_BYTES;
        carving[sizeClass] = slab;
        slabs.push(slab);
    }

    private long takeFree(int sizeClass) {
        long size = SizeClasses.size(sizeClass);
        MemorySegment m = heap.mem();
        long payload = freeList[sizeClass];
        if (!isFreedLink(payload, sizeClass)) {
            throw new CorruptedStoreException("entry heap: free list of size class " + size + " links to 0x"
                    + Long.toHexString(payload) + ", which is not a freed block of that class in " + heap.where());
        }
        freeList[sizeClass] = m.get(LONG, payload);
        freeBytes -= size;
        heap.prepareReused(payload, size - BlockHeader.SIZE);
        inUse(sizeClass, size);
        BlockHeader.setSizeClass(m, payload, sizeClass);
        return payload;
    }

    private boolean isFreedLink(long payload, int sizeClass) {
        if (!heap.checksOffsets()) {
            return true;
        }
        MemorySegment m = heap.mem();
        return payload >= heap.heapStart() + BlockHeader.SIZE && payload < heap.top() && (payload & 7) == 0
                && BlockHeader.kind(m, payload) == BlockHeader.FREED && BlockHeader.sizeClass(m, payload) == sizeClass;
    }

    /**
     * Gives back every slab whose blocks are all free (the class notes say when this runs). With
     * {@code withCarving}, a slab still being carved goes too once every block carved from it is free
     * (a full bounded store's {@link EntryHeap#defragment}); otherwise it stays, as the next block of
     * its class comes from it.
     */
    void sweep(boolean withCarving) {
        sweeps++;
        MemorySegment m = heap.mem();
        int n = slabs.size();
        for (int i = 0; i < n; i++) {
            BlockHeader.setSlabFreeBlocks(m, slabs.get(i), 0);
        }
        for (int c = 0; c < SizeClasses.COUNT; c++) {
            long most = (long) n * blocksPerSlab(c);
            long count = 0;
            for (long p = freeList[c]; p != 0; p = m.get(LONG, p)) {
                if (!isFreedLink(p, c) || ++count > most) {
                    throw new CorruptedStoreException("entry heap: free list of size class " + SizeClasses.size(c)
                            + (count > most ? " is longer than its " + n + " slabs can hold (a cycle?)"
                                    : " links to 0x" + Long.toHexString(p) + ", which is not a freed block of that class")
                            + " in " + heap.where());
                }
                long slab = slabOf(m, p, c);
                BlockHeader.setSlabFreeBlocks(m, slab, BlockHeader.slabFreeBlocks(m, slab) + 1);
            }
        }
        for (int c = 0; c < SizeClasses.COUNT; c++) {
            freeList[c] = unlist(m, c, null, withCarving);
        }
        int kept = 0;
        for (int i = 0; i < n; i++) {
            long slab = slabs.get(i);
            int c = BlockHeader.slabClass(m, slab);
            if (isWhollyFree(m, slab, c, withCarving)) {
                if (slab == carving[c]) {
                    cursor[c] = 0;
                    limit[c] = 0;
                    carving[c] = 0;
                }
                heap.large().releaseSlab(slab);
                slabsReleased++;
            } else {
                slabs.set(kept++, slab);
            }
        }
        slabs.truncate(kept);
        nextSweepAt = Math.max(SWEEP_FLOOR, 2 * freeBytes);
    }

    private boolean isWhollyFree(MemorySegment m, long slab, int sizeClass, boolean withCarving) {
        int free = BlockHeader.slabFreeBlocks(m, slab);
        if (slab != carving[sizeClass]) {
            return free == blocksPerSlab(sizeClass);
        }
        return withCarving && free == (cursor[sizeClass] - slab) / SizeClasses.size(sizeClass);
    }

    private static long blocksPerSlab(int sizeClass) {
        return (SLAB_BYTES - BlockHeader.LARGE_PAYLOAD_OFFSET) / SizeClasses.size(sizeClass);
    }

    /**
     * The slab a small block was carved from, by the distance in its header, checked: a slab of the
     * block's class, within the heap.
     */
    private long slabOf(MemorySegment m, long payload, int sizeClass) {
        long block = payload - BlockHeader.SIZE;
        long slab = block - SizeClasses.GRANULE * BlockHeader.slabGranules(m, payload);
        if (slab < heap.heapStart() + BlockHeader.LARGE_PAYLOAD_OFFSET
                || (slab - BlockHeader.LARGE_PAYLOAD_OFFSET - heap.heapStart()) % heap.pageSize() != 0
                || BlockHeader.kind(m, slab) != BlockHeader.SLAB || BlockHeader.slabClass(m, slab) != sizeClass) {
            throw new CorruptedStoreException("entry heap: small block 0x" + Long.toHexString(block) + " of size class "
                    + SizeClasses.size(sizeClass) + " names 0x" + Long.toHexString(slab - BlockHeader.LARGE_PAYLOAD_OFFSET)
                    + " as its slab, which is not a slab of that class; " + heap.where());
        }
        return slab;
    }

    /**
     * Lists a reopened slab's unreached blocks on its class's free list.
     *
     * @return false, listing nothing, when no block of it is reached: the caller frees it whole
     */
    boolean rebuild(MemorySegment m, long slab, BitSet reachable) {
        int sizeClass = BlockHeader.slabClass(m, slab + BlockHeader.LARGE_PAYLOAD_OFFSET);
        if (sizeClass >= SizeClasses.COUNT) {
            throw new CorruptedStoreException("entry heap: slab at 0x" + Long.toHexString(slab) + " names size class "
                    + sizeClass + "; there are " + SizeClasses.COUNT + " (" + heap.where() + ")");
        }
        long size = SizeClasses.size(sizeClass);
        long end = slab + SLAB_BYTES;
        long first = slab + BlockHeader.LARGE_PAYLOAD_OFFSET;
        boolean anyLive = false;
        for (long block = first; block + size <= end; block += size) {
            anyLive |= reachable.get(heap.granule(block));
        }
        if (!anyLive) {
            slabsReleased++;
            return false;
        }
        slabs.push(first);
        for (long block = first; block + size <= end; block += size) {
            long payload = block + BlockHeader.SIZE;
            // Written afresh for every block: files from before slabs were given back lack it.
            BlockHeader.setSlabGranules(m, payload, (block - first) / SizeClasses.GRANULE);
            if (reachable.get(heap.granule(block))) {
                inUse(sizeClass, size);
            } else {
                BlockHeader.setGeneration(m, payload, 0);
                BlockHeader.setKind(m, payload, BlockHeader.FREED);
                BlockHeader.setSizeClass(m, payload, sizeClass);
                m.set(LONG, payload, freeList[sizeClass]);
                freeList[sizeClass] = payload;
                freeBytes += size;
            }
        }
        return true;
    }

    /** Forgets every slab and free block: the heap was reset, or is being rebuilt. */
    void forget() {
        evacuation.forget();
        nextCompactionAt = 0;
        java.util.Arrays.fill(freeList, 0);
        java.util.Arrays.fill(cursor, 0);
        java.util.Arrays.fill(limit, 0);
        java.util.Arrays.fill(carving, 0);
        java.util.Arrays.fill(bytesByClass, 0);
        slabs.truncate(0);
        bytesInUse = 0;
        freeBytes = 0;
        nextSweepAt = SWEEP_FLOOR;
    }

    /** @return bytes of small blocks handed out and not freed */
    long bytesInUse() {
        return bytesInUse;
    }

    /** Adds the bytes in use per class (block size → bytes) to {@code out}. */
    void bytesBySize(Map<Long, Long> out) {
        for (int c = 0; c < SizeClasses.COUNT; c++) {
            if (bytesByClass[c] != 0) {
                out.put(SizeClasses.size(c), bytesByClass[c]);
            }
        }
    }

    /** @return slabs given back since the store opened (on open too) */
    long slabsReleased() {
        return slabsReleased;
    }

    /** @return sweeps run since the store opened */
    long sweeps() {
        return sweeps;
    }
}

package io.hmapstore.heap;

import io.hmapstore.memory.MappedRegion;
import io.hmapstore.memory.NativeCallException;
import java.lang.foreign.ValueLayout;

/**
 * The entry heap's mapping and its high-water mark: grows the {@link MappedRegion} geometrically as
 * {@code top} passes its end, keeps the urgent reserve at the end of the range, advises transparent
 * huge pages for what it maps, and mirrors {@code top} and {@code dirtyUntil} (below which memory may
 * hold old bytes) into the file's superblock once {@link #persistTopAt} says where.
 *
 * <p>Implementation notes. The mapped memory and {@code top} stay volatile fields of {@link EntryHeap}:
 * lock-free readers read them on every operation ({@link EntryHeap#mem()}, {@link EntryHeap#isBlock}),
 * and a field of their own heap costs them no hop through this class. This class is the only writer
 * of both.
 *
 * <p>Thread safety: none of its own. One {@link EntryHeap} owns it and calls it only from its
 * synchronized methods, but for {@link #persistTopAt}, which the store calls while it opens, before
 * the heap is shared.
 */
final class HeapMapping {
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;

    private final EntryHeap heap;
    private final MappedRegion region;
    private final long pageSize;
    /** Where {@code top} and {@code dirtyUntil} are mirrored in the file's superblock; -1 when anonymous. */
    private long persistedTop = -1;
    private boolean hugePages;
    private long dirtyUntil;
    /**
     * Bytes at the end of the reserved range that only {@linkplain EntryHeap#allocateUrgent urgent}
     * allocations may use: an evacuation that has begun must be able to finish, or entries would be
     * stranded.
     */
    private long reserve = EntryHeap.DEFAULT_RESERVE;
    private boolean urgent;

    HeapMapping(EntryHeap heap, MappedRegion region, long heapStart) {
        this.heap = heap;
        this.region = region;
        this.pageSize = MappedRegion.pageSize();
        this.dirtyUntil = heapStart;
    }

    void setTop(long value) {
        heap.top = value;
        if (persistedTop >= 0) {
            heap.mem.set(LONG, persistedTop, value);
        }
    }

    void setDirtyUntil(long value) {
        dirtyUntil = value;
        if (persistedTop >= 0) {
            heap.mem.set(LONG, persistedTop + Long.BYTES, value);
        }
    }

    /** @return the offset below which memory may hold old bytes: what a reset or a lowered top left */
    long dirtyUntil() {
        return dirtyUntil;
    }

    /** @return whether {@code top} is mirrored into a file, whose recovery walks the heap's headers */
    boolean persisted() {
        return persistedTop >= 0;
    }

    /** Sets the bounds a reopened file recorded ({@link EntryHeap#restoreBounds}). */
    void restoreBounds(long restoredTop, long restoredDirtyUntil) {
        heap.top = restoredTop;
        dirtyUntil = restoredDirtyUntil;
    }

    /** Mirrors {@code top} and {@code dirtyUntil} into the two longs at {@code offset} from now on. */
    void persistTopAt(long offset) {
        persistedTop = offset;
        setTop(heap.top);
        setDirtyUntil(dirtyUntil);
    }

    /** Takes the free run {@code [newTop, top)} off the heap; its bytes may be dirty when handed out again. */
    void lowerTop(long newTop) {
        setDirtyUntil(Math.max(dirtyUntil, heap.top));
        setTop(newTop);
    }

    /** While set, {@link #ensureMapped} may map the urgent reserve too ({@link EntryHeap#allocateUrgent}). */
    void setUrgent(boolean value) {
        urgent = value;
    }

    void reserveUrgentBytes(long bytes) {
        reserve = bytes;
    }

    /** @return whether the heap may reach {@code end} without the urgent reserve */
    boolean fitsBelowReserve(long end) {
        return end <= region.maxSize() - reserve;
    }

    /** Advises transparent huge pages (MADV_HUGEPAGE) for {@code [heapStart, size)}, and for all it maps later. */
    void adviseHugePages(long heapStart) {
        hugePages = true;
        try {
            region.adviseHugePages(heapStart, region.size() - heapStart);
        } catch (NativeCallException e) {
            throw NativeFailure.of("cannot advise huge pages for the store's heap", e);
        }
    }

    /**
     * Maps the region up to at least {@code end}.
     *
     * @throws io.hmapstore.StoreFullException if that passes the bound (less the reserve, unless urgent)
     */
    void ensureMapped(long end) {
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
            heap.mem = region.segment();
            if (hugePages) {
                region.adviseHugePages(before, region.size() - before);
            }
        } catch (NativeCallException e) {
            throw NativeFailure.of("cannot grow the store's mapping from " + before + " to "
                    + Math.min(target, region.maxSize()) + " bytes", e);
        }
    }
}

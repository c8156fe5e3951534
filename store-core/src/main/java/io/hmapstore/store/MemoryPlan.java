package io.hmapstore.store;

import io.hmapstore.MemoryBudget;
import io.hmapstore.heap.EntryHeap;
import io.hmapstore.heap.SizeClasses;
import io.hmapstore.heap.SmallBlocks;
import io.hmapstore.table.BucketLayout;
import io.hmapstore.table.HashTable;

/**
 * Plans a {@code maxBytes} bound before a store opens, so that the bound holds by construction and a
 * full store evicts rather than failing.
 *
 * <p>Implementation notes. The bound is cut in four, in this order:
 * <pre>
 *   0                headers      + reserve          + table                      + entries        = maxBytes
 *   +----------------+------------+-----------------------------+---------------------------------+
 *   | superblock,    | urgent     | two bucket arrays per       | entries and overflow buckets;   |
 *   | segment headers| reserve    | segment at maxBucketsLog2   | eviction keeps them within      |
 *   +----------------+------------+-----------------------------+---------------------------------+
 * </pre>
 * (a picture of the budget, not of addresses: the heap interleaves arrays and slabs). The table gets
 * half of what headers and reserve leave when entries live in the heap, three quarters when they live
 * in the bucket slots themselves (fixed-size keys and values), and {@code maxBucketsLog2} is the largest
 * {@code B} whose arrays fit in that share twice over: a growing segment holds its old array and its new
 * one until its evacuation ends. Past that size a segment no longer doubles
 * ({@link HashTable#planWithin}), and a growth whose array cannot be had at the moment is not started
 * ({@link EntryHeap#tryAllocateArray}). The entry share must hold at least one slab for each segment's
 * possible gap between arrays and two more, so that after evicting everything a slab can always be had;
 * a bound below that is refused, naming the minimum. An entry block may take at most a quarter of the
 * entry share, so that it fits in the space that evicting frees even where arrays split it.
 */
public final class MemoryPlan {
    /** Eviction starts when entries and overflow buckets take this share of {@link MemoryBudget#entryBytes}. */
    static final int EVICT_AT_NUM = 3;
    static final int EVICT_AT_DEN = 4;

    private MemoryPlan() {
    }

    /**
     * @param maxBytes the bound
     * @param heapStart the bytes before the heap: superblock and segment headers
     * @param segments the number of segments
     * @param bucketBytes one bucket's bytes
     * @param inlineEntries whether keys and values live in the slots (both codecs of fixed size)
     * @param expectedEntries what {@code expectedEntries} asked for
     * @return the budget, or null if the bound cannot hold an empty store of this shape
     */
    static MemoryBudget plan(long maxBytes, long heapStart, int segments, long bucketBytes, boolean inlineEntries,
            long expectedEntries) {
        long reserve = reserve(maxBytes);
        long usable = maxBytes - heapStart - reserve;
        long tableShare = inlineEntries ? usable / 4 * 3 : usable / 2;
        long slack = slack(segments);
        int maxLog2 = -1;
        while (maxLog2 < HashTable.MAX_LOG2_BUCKETS && tableBytes(segments, bucketBytes, maxLog2 + 1) <= tableShare
                && usable - tableBytes(segments, bucketBytes, maxLog2 + 1) >= slack) {
            maxLog2++;
        }
        if (maxLog2 < 0) {
            return null;
        }
        long table = tableBytes(segments, bucketBytes, maxLog2);
        long entries = usable - table;
        long planned = Math.min(expectedEntries, capacity(segments, maxLog2));
        return new MemoryBudget(maxBytes, heapStart, reserve, table, entries, maxLog2, largestBlock(entries / 4),
                minimum(heapStart, segments, bucketBytes, inlineEntries), expectedEntries, planned);
    }

    /**
     * @return the smallest bound, in whole pages, that {@link #plan} accepts for this shape
     */
    static long minimum(long heapStart, int segments, long bucketBytes, boolean inlineEntries) {
        long pageSize = io.hmapstore.memory.MappedRegion.pageSize();
        long low = heapStart / pageSize;
        long high = (1L << 46) / pageSize;
        while (low < high) {
            long mid = (low + high) >>> 1;
            if (feasible(mid * pageSize, heapStart, segments, bucketBytes, inlineEntries)) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        return low * pageSize;
    }

    private static boolean feasible(long maxBytes, long heapStart, int segments, long bucketBytes,
            boolean inlineEntries) {
        long usable = maxBytes - heapStart - reserve(maxBytes);
        long table = tableBytes(segments, bucketBytes, 0);
        return table <= (inlineEntries ? usable / 4 * 3 : usable / 2) && usable - table >= slack(segments);
    }

    /**
     * The least the entries' share must hold: a slab for each gap that the arrays of the segments may
     * leave between them, and two more, so that once everything is evicted a slab can always be had.
     */
    private static long slack(int segments) {
        return (2L * segments + 2) * SmallBlocks.SLAB_BYTES;
    }

    /** The largest block the heap hands out within {@code bytes}: a small class, or a power-of-two of pages. */
    private static long largestBlock(long bytes) {
        if (bytes <= SizeClasses.MAX_SMALL_BLOCK) {
            return bytes;
        }
        return Long.highestOneBit(bytes / io.hmapstore.memory.MappedRegion.pageSize())
                * io.hmapstore.memory.MappedRegion.pageSize();
    }

    /** The urgent reserve: a sixteenth of the bound, at least two slabs and at most the unbounded store's. */
    static long reserve(long maxBytes) {
        long pageSize = io.hmapstore.memory.MappedRegion.pageSize();
        long sixteenth = maxBytes / 16 / pageSize * pageSize;
        return Math.max(2 * SmallBlocks.SLAB_BYTES, Math.min(EntryHeap.DEFAULT_RESERVE, sixteenth));
    }

    /** Two arrays of 2^log2 buckets per segment. */
    private static long tableBytes(int segments, long bucketBytes, int log2) {
        return 2L * segments * SizeClasses.largeBytes(bucketBytes << log2);
    }

    /** Entries a table of {@code segments} segments at {@code log2} holds before it would double. */
    static long capacity(int segments, int log2) {
        return segments * Math.max(BucketLayout.SLOTS, HashTable.LOAD_NUM * (1L << log2) / HashTable.LOAD_DEN);
    }
}

package io.hmapstore.table;

import static io.hmapstore.table.BucketLayout.EVACUATED_EMPTY;
import static io.hmapstore.table.BucketLayout.EVACUATED_X;
import static io.hmapstore.table.BucketLayout.SLOTS;
import static io.hmapstore.table.HashTable.MAX_LOG2_BUCKETS;

import io.hmapstore.heap.EntryHeap;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Brings the segments of a file found dirty (a process that died with the file mapped) back to a
 * consistent state, before the store is handed out. Single-threaded.
 *
 * <p>Implementation notes. Go's maps do not outlive their process, so this has no counterpart in
 * {@code runtime/map.go}; it relies on the order in which {@link Growth} stores what Go's
 * {@code hashGrow} and {@code evacuate} store ({@link SegmentHeader}'s publication rules, and
 * {@code docs/FORMAT.md}). A grow caught with {@code oldbuckets == buckets} never published its new
 * array and is rolled back to {@code oldB}; a grow whose {@code buckets} names the new array is
 * finished: every live old slot whose key the new array does not hold yet (a crash can fall between
 * copying a slot and marking it) is copied, then marked. {@code count} and {@code noverflow} are then
 * recounted from what is reachable. A damaged file cannot make a walk loop: every chain is bounded
 * by the number of buckets the heap could hold.
 */
final class TableRecovery {
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;

    private final HashTable table;
    private final EntryHeap heap;
    private final BucketLayout layout;
    private final CheckedReads checked;

    TableRecovery(HashTable table) {
        this.table = table;
        this.heap = table.heap;
        this.layout = table.layout;
        this.checked = table.checked;
    }

    /**
     * Brings a segment of a file found dirty back to a consistent state: stamp even, an interrupted
     * grow rolled back or its evacuation finished, count and noverflow recounted from what is
     * reachable. Single-threaded, before the store is handed out.
     */
    void recover(int seg) {
        MemorySegment m = heap.mem();
        long h = table.header(seg);
        int log2 = checked.log2Buckets(m, seg, h);
        long buckets = checked.buckets(m, seg, h, log2);
        long old = SegmentHeader.oldBuckets(m, h);
        if (old != 0 && old == buckets) {
            int oldLog2 = SegmentHeader.oldLog2Buckets(m, h);
            if (!HashTable.log2InRange(oldLog2)) {
                throw checked.corrupt(seg, -1, SegmentHeader.oldLog2BucketsOffset(h),
                        "old B in [0, " + MAX_LOG2_BUCKETS + "]", Integer.toString(oldLog2));
            }
            SegmentHeader.setLog2Buckets(m, h, oldLog2);
            SegmentHeader.setOldBuckets(m, h, 0);
            log2 = oldLog2;
            checked.buckets(m, seg, h, log2);
        } else if (old != 0) {
            int oldLog2 = SegmentHeader.oldLog2Buckets(m, h);
            if (oldLog2 < log2 - 1 || oldLog2 > log2 + 1) {
                throw checked.corrupt(seg, -1, SegmentHeader.oldLog2BucketsOffset(h), "old B within one of B=" + log2,
                        Integer.toString(oldLog2));
            }
            finishEvacuation(seg, h, checked.oldBuckets(m, seg, h, oldLog2), oldLog2, buckets, log2);
        } else {
            finishSlotMove(seg, h, buckets, log2);
        }
        recount(seg, h);
    }

    /** The longest chain a damaged file could make us walk before we call it cyclic. */
    private long chainBound() {
        return Math.max(1, (heap.top() - heap.heapStart()) / layout.size);
    }

    /**
     * Finishes an evacuation a crash interrupted: every live old slot whose key is not already in the
     * new array (a crash can fall between copying a slot and marking it) is copied, then marked.
     */
    private void finishEvacuation(int seg, long h, long old, int oldLog2, long buckets, int log2) {
        long bound = chainBound();
        for (long index = 0; index < (1L << oldLog2); index++) {
            long b = old + index * layout.size;
            for (long n = 0; b != 0; n++) {
                MemorySegment m = heap.mem();
                for (int i = 0; i < SLOTS; i++) {
                    int t = BucketLayout.tophash(m, b, i);
                    if (BucketLayout.isEmpty(t)) {
                        BucketLayout.setTophash(m, b, i, EVACUATED_EMPTY);
                        continue;
                    }
                    if (BucketLayout.isEvacuated(t)) {
                        continue;
                    }
                    long dest = buckets + (checked.hashAt(m, seg, index, b, i) & HashTable.mask(log2)) * layout.size;
                    if (!chainHoldsKeySlot(seg, index, dest, b, i)) {
                        appendSlot(seg, h, dest, b, i, t);
                        m = heap.mem();
                    }
                    BucketLayout.setTophash(m, b, i, EVACUATED_X);
                }
                b = checked.nextInChain(m, seg, index, b, n, bound);
            }
        }
        MemorySegment m = heap.mem();
        SegmentHeader.setOldBuckets(m, h, 0);
        SegmentHeader.setOldLog2Buckets(m, h, 0);
        SegmentHeader.setNevacuate(m, h, 0);
    }

    private boolean chainHoldsKeySlot(int seg, long index, long dest, long b, int i) {
        MemorySegment m = heap.mem();
        long bound = chainBound();
        int t = BucketLayout.tophash(m, b, i);
        long key = layout.keyAt(b, i);
        for (long n = 0; dest != 0; n++) {
            for (int j = 0; j < SLOTS; j++) {
                long other = layout.keyAt(dest, j);
                if (BucketLayout.tophash(m, dest, j) == t
                        && MemorySegment.mismatch(m, key, key + layout.keySlot, m, other, other + layout.keySlot) == -1) {
                    return true;
                }
            }
            dest = checked.nextInChain(m, seg, index, dest, n, bound);
        }
        return false;
    }

    /** Copies slot (b, i) into the first empty slot of chain {@code dest}, growing the chain if full. */
    private void appendSlot(int seg, long h, long dest, long b, int i, int t) {
        MemorySegment m = heap.mem();
        long bound = chainBound();
        for (long n = 0; ; n++) {
            for (int j = 0; j < SLOTS; j++) {
                if (BucketLayout.isEmpty(BucketLayout.tophash(m, dest, j))) {
                    table.growth.copySlot(m, b, i, dest, j);
                    HashTable.publish();
                    BucketLayout.setTophash(m, dest, j, t);
                    return;
                }
            }
            long next = checked.overflow(m, seg, -1, dest);
            if (next == 0) {
                table.growth.newOverflow(seg, h, dest, true);
                m = heap.mem();
                next = layout.overflow(m, dest);
            }
            if (n > bound) {
                throw checked.chainTooLong(seg, -1, dest, bound);
            }
            dest = next;
        }
    }

    /**
     * Finishes a slot move a crash interrupted ({@link ChainPacking}): a key found twice in its chain, both
     * slots naming the same bytes, had been copied into an earlier hole and not yet cleared from its old
     * place, which is cleared now. Only a segment that was not growing moves slots, so only the current
     * array is looked at; at most one move per segment can be under way.
     */
    private void finishSlotMove(int seg, long h, long buckets, int log2) {
        if (buckets == 0) {
            return;
        }
        long bound = chainBound();
        for (long index = 0; index < (1L << log2); index++) {
            long start = buckets + index * layout.size;
            if (layout.overflow(heap.mem(), start) == 0) {
                continue;  // a move only ever fills a hole from a later overflow bucket
            }
            for (long b = start, n = 0; b != 0; b = checked.nextInChain(heap.mem(), seg, index, b, n++, bound)) {
                for (int i = 0; i < SLOTS; i++) {
                    if (BucketLayout.tophash(heap.mem(), b, i) >= BucketLayout.MIN_TOPHASH) {
                        clearLaterCopies(seg, index, b, i, bound);
                    }
                }
            }
        }
    }

    private void clearLaterCopies(int seg, long index, long b, int i, long bound) {
        MemorySegment m = heap.mem();
        int t = BucketLayout.tophash(m, b, i);
        long key = layout.keyAt(b, i);
        int j = i + 1;
        for (long d = b, n = 0; d != 0; d = checked.nextInChain(m, seg, index, d, n++, bound), j = 0) {
            for (; j < SLOTS; j++) {
                long other = layout.keyAt(d, j);
                if (BucketLayout.tophash(m, d, j) == t
                        && MemorySegment.mismatch(m, key, key + layout.keySlot, m, other, other + layout.keySlot) == -1) {
                    BucketLayout.setTophash(m, d, j, BucketLayout.EMPTY_ONE);
                }
            }
        }
    }

    /** Sets count and noverflow from what the segment's arrays reach. */
    private void recount(int seg, long h) {
        MemorySegment m = heap.mem();
        long count = 0;
        long overflowBuckets = 0;
        long bound = chainBound();
        int log2 = checked.log2Buckets(m, seg, h);
        long buckets = checked.buckets(m, seg, h, log2);
        long old = SegmentHeader.oldBuckets(m, h);
        int oldLog2 = SegmentHeader.oldLog2Buckets(m, h);
        for (int pass = 0; pass < 2; pass++) {
            long array = pass == 0 ? buckets : checked.oldBuckets(m, seg, h, oldLog2);
            int arrayLog2 = pass == 0 ? log2 : oldLog2;
            if (array == 0 || (pass == 1 && old == 0)) {
                continue;
            }
            for (long index = 0; index < (1L << arrayLog2); index++) {
                long b = array + index * layout.size;
                if (pass == 1 && BucketLayout.isEvacuated(BucketLayout.tophash(m, b, 0))) {
                    continue;
                }
                for (long n = 0; b != 0; n++) {
                    for (int i = 0; i < SLOTS; i++) {
                        if (BucketLayout.tophash(m, b, i) >= BucketLayout.MIN_TOPHASH) {
                            count++;
                        }
                    }
                    long next = checked.nextInChain(m, seg, index, b, n, bound);
                    if (next != 0) {
                        overflowBuckets++;
                    }
                    b = next;
                }
            }
        }
        SegmentHeader.setCount(m, h, count);
        SegmentHeader.setNoverflow(m, h, (int) Math.min(overflowBuckets, Integer.MAX_VALUE));
    }
}

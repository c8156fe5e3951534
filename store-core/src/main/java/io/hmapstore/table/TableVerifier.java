package io.hmapstore.table;

import static io.hmapstore.table.BucketLayout.EMPTY_ONE;
import static io.hmapstore.table.BucketLayout.EMPTY_REST;
import static io.hmapstore.table.BucketLayout.SLOTS;
import static io.hmapstore.table.HashTable.MAX_LOG2_BUCKETS;

import io.hmapstore.CorruptedStoreException;
import io.hmapstore.VerifyReport.Problem;
import io.hmapstore.heap.BlockHeader;
import io.hmapstore.heap.EntryHeap;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * Checks a {@link HashTable}'s segments completely, reporting every problem rather than throwing at
 * the first: arrays, chains, tophashes against recomputed hashes, entries and counts.
 *
 * <p>Implementation notes. Go's map has no such check (its {@code runtime/map.go} throws "concurrent
 * map writes" or faults); this one reads the invariants Go's code keeps: a tophash is
 * {@code emptyRest}, {@code emptyOne}, an evacuation mark only in an evacuated old bucket, or the top
 * byte of the stored key's hash, in the bucket and segment that hash picks; no live slot after an
 * {@code emptyRest}; {@code count} and {@code noverflow} equal to what the arrays reach. A chain is
 * followed only through offsets that name an overflow bucket, and at most {@code noverflow} steps.
 */
final class TableVerifier {
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;

    private final HashTable table;
    private final EntryHeap heap;
    private final BucketLayout layout;
    private final CheckedReads checked;

    TableVerifier(HashTable table) {
        this.table = table;
        this.heap = table.heap;
        this.layout = table.layout;
        this.checked = table.checked;
    }

    /**
     * Checks one segment completely: arrays, chains, tophashes against recomputed hashes, entries and
     * counts. The caller holds the segment.
     *
     * @return [entries, buckets] checked
     */
    long[] verify(int seg, List<Problem> problems) {
        MemorySegment m = heap.mem();
        long h = table.header(seg);
        long entries = 0;
        long bucketCount = 0;
        long overflowSeen = 0;
        int log2 = SegmentHeader.log2Buckets(m, h);
        long buckets = SegmentHeader.buckets(m, h);
        long count = SegmentHeader.count(m, h);
        long noverflow = Integer.toUnsignedLong(SegmentHeader.noverflow(m, h));
        if (!HashTable.log2InRange(log2)) {
            problems.add(new Problem(seg, -1, SegmentHeader.log2BucketsOffset(h),
                    "B in [0, " + MAX_LOG2_BUCKETS + "]", Integer.toString(log2)));
            return new long[] {0, 0};
        }
        if (buckets == 0) {
            if (count != 0) {
                problems.add(new Problem(seg, -1, SegmentHeader.countOffset(h), "count 0 in an unmade segment",
                        Long.toString(count)));
            }
            return new long[] {0, 0};
        }
        if (!table.arrayOk(m, buckets, log2)) {
            problems.add(new Problem(seg, -1, SegmentHeader.bucketsOffset(h), "a bucket array of 2^" + log2
                    + " buckets in heap " + heap.range(), table.errors.describe(m, buckets)));
            return new long[] {0, 0};
        }
        long old = SegmentHeader.oldBuckets(m, h);
        int oldLog2 = SegmentHeader.oldLog2Buckets(m, h);
        if (old != 0) {
            if (oldLog2 < log2 - 1 || oldLog2 > log2 + 1 || !table.arrayOk(m, old, oldLog2)) {
                problems.add(new Problem(seg, -1, SegmentHeader.oldBucketsOffset(h),
                        "an old bucket array of 2^" + oldLog2 + " buckets (B=" + log2 + ")",
                        table.errors.describe(m, old)));
                return new long[] {0, 0};
            }
            for (long i = 0; i < (1L << oldLog2); i++) {
                long[] r = verifyChain(m, seg, old, oldLog2, i, true, noverflow, problems);
                entries += r[0];
                bucketCount += r[1];
                overflowSeen += r[2];
            }
        }
        for (long i = 0; i < (1L << log2); i++) {
            long[] r = verifyChain(m, seg, buckets, log2, i, false, noverflow, problems);
            entries += r[0];
            bucketCount += r[1];
            overflowSeen += r[2];
        }
        if (entries != count) {
            problems.add(new Problem(seg, -1, SegmentHeader.countOffset(h), "count = " + entries + " reachable entries",
                    Long.toString(count)));
        }
        if (overflowSeen != noverflow) {
            problems.add(new Problem(seg, -1, SegmentHeader.noverflowOffset(h),
                    "noverflow = " + overflowSeen + " reachable overflow buckets", Long.toString(noverflow)));
        }
        return new long[] {entries, bucketCount};
    }

    private long[] verifyChain(MemorySegment m, int seg, long array, int log2, long index, boolean old, long noverflow,
            List<Problem> problems) {
        long b = array + index * layout.size;
        long entries = 0;
        long bucketCount = 0;
        long overflowBuckets = 0;
        int first = BucketLayout.tophash(m, b, 0);
        if (old && BucketLayout.isEvacuated(first)) {
            for (int i = 0; i < SLOTS; i++) {
                if (!BucketLayout.isEvacuated(BucketLayout.tophash(m, b, i))) {
                    problems.add(new Problem(seg, index, b + i, "an evacuation mark in every slot of evacuated old bucket",
                            "tophash " + BucketLayout.tophash(m, b, i)));
                }
            }
            return new long[] {0, 1, 0};
        }
        boolean rest = false;
        for (long n = 0; b != 0; n++) {
            bucketCount++;
            for (int i = 0; i < SLOTS; i++) {
                int t = BucketLayout.tophash(m, b, i);
                if (rest && t != EMPTY_REST) {
                    problems.add(new Problem(seg, index, b + i, "emptyRest after an emptyRest", "tophash " + t));
                }
                if (t == EMPTY_REST) {
                    rest = true;
                    continue;
                }
                if (t == EMPTY_ONE) {
                    continue;
                }
                if (BucketLayout.isEvacuated(t)) {
                    problems.add(new Problem(seg, index, b + i, "a live or empty tophash", "evacuation mark " + t));
                    continue;
                }
                try {
                    long hash = checked.hashAt(m, seg, index, b, i);
                    if (BucketLayout.tophash(hash) != t) {
                        problems.add(new Problem(seg, index, b + i, "tophash " + BucketLayout.tophash(hash)
                                + " of the stored key", "tophash " + t));
                    } else if ((hash & HashTable.mask(log2)) != index || table.segmentOf(hash) != seg) {
                        problems.add(new Problem(seg, index, b + i, "a key hashing to segment " + seg + ", bucket " + index,
                                "segment " + table.segmentOf(hash) + ", bucket " + (hash & HashTable.mask(log2))));
                    } else {
                        if (!table.valueInline) {
                            checked.entryOf(m, seg, b, i);
                        }
                        entries++;
                    }
                } catch (CorruptedStoreException e) {
                    long slot = table.keyInline ? layout.valueAt(b, i) : layout.keyAt(b, i);
                    problems.add(new Problem(seg, index, slot, "a sound entry reference", e.getMessage()));
                }
            }
            long next = layout.overflow(m, b);
            if (next != 0 && !heap.isValid(next, BlockHeader.OVERFLOW)) {
                problems.add(new Problem(seg, index, layout.overflowOffset(b),
                        "0 or an overflow bucket in heap " + heap.range(), table.errors.describe(m, next)));
                break;
            }
            if (next != 0) {
                overflowBuckets++;
            }
            if (n > noverflow) {
                problems.add(new Problem(seg, index, b, "a chain of at most " + noverflow + " overflow buckets",
                        "a longer or cyclic chain"));
                break;
            }
            b = next;
        }
        return new long[] {entries, bucketCount, overflowBuckets};
    }
}

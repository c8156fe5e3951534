package io.hmapstore.table;

import static io.hmapstore.table.BucketLayout.SLOTS;

import io.hmapstore.CorruptedStoreException;
import io.hmapstore.heap.EntryHeap;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The walks over a {@link HashTable}'s segments that are not lookups: iteration
 * ({@link #collect}), chain-length statistics, the blocks a segment reaches (for the heap's
 * reachability check and a read-only look at a file), and the expiry sweep.
 *
 * <p>Implementation notes. Iteration walks each segment's hash space in bit-reversed order of the
 * bucket bits, so every bucket of any size is one contiguous interval of the walk. Each step takes
 * the interval of one current bucket, gathers its entries from wherever they live (an unevacuated old
 * bucket, as Go's {@code mapiternext} checks {@code oldbuckets}, or the new one), and keeps those at or
 * after the cursor. Entries present throughout are therefore returned exactly once however the table
 * resizes between steps, as Redis' SCAN cursor manages, but without SCAN's duplicates on shrink.
 * Every chain is walked with {@link CheckedReads#nextInChain}, so a cyclic chain throws rather than
 * loops.
 */
final class TableScans {
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;

    private final HashTable table;
    private final EntryHeap heap;
    private final BucketLayout layout;
    private final CheckedReads checked;

    TableScans(HashTable table) {
        this.table = table;
        this.heap = table.heap;
        this.layout = table.layout;
        this.checked = table.checked;
    }

    /**
     * One iteration step over a segment: reports every live slot whose bit-reversed bucket hash lies in
     * {@code [cursor, end of the current bucket's interval)}. The caller holds the segment.
     *
     * @param cursor where the walk stands, 0 at the start
     * @return the next cursor, or {@link HashTable#DONE}
     */
    long collect(int seg, long cursor, HashTable.SlotSink sink) {
        MemorySegment m = heap.mem();
        long h = table.header(seg);
        int log2 = checked.log2Buckets(m, seg, h);
        long buckets = checked.buckets(m, seg, h, log2);
        long span = log2 == 0 ? 0 : (1L << (64 - log2));
        long lo = log2 == 0 ? 0 : cursor & -span;
        long hi = lo + span;
        if (buckets == 0) {
            return hi == 0 ? HashTable.DONE : hi;
        }
        long index = Long.reverse(cursor) & HashTable.mask(log2);
        long old = SegmentHeader.oldBuckets(m, h);
        if (old != 0) {
            int oldLog2 = SegmentHeader.oldLog2Buckets(m, h);
            old = checked.oldBuckets(m, seg, h, oldLog2);
            m = heap.mem();
            if (oldLog2 <= log2) {
                collectChain(m, seg, old, index & HashTable.mask(oldLog2), cursor, hi, sink, true);
            } else {
                collectChain(m, seg, old, index, cursor, hi, sink, true);
                collectChain(m, seg, old, index + (1L << log2), cursor, hi, sink, true);
            }
        }
        collectChain(heap.mem(), seg, buckets, index, cursor, hi, sink, false);
        return hi == 0 ? HashTable.DONE : hi;
    }

    private void collectChain(MemorySegment m, int seg, long array, long index, long cursor, long hi, HashTable.SlotSink sink,
            boolean skipIfEvacuated) {
        long b = array + index * layout.size;
        if (skipIfEvacuated && BucketLayout.isEvacuated(BucketLayout.tophash(m, b, 0))) {
            return;
        }
        int chainLimit = SegmentHeader.noverflow(m, table.header(seg));
        for (int n = 0; b != 0; n++) {
            for (int i = 0; i < SLOTS; i++) {
                int t = BucketLayout.tophash(m, b, i);
                if (t < BucketLayout.MIN_TOPHASH) {
                    continue;
                }
                long r = Long.reverse(checked.hashAt(m, seg, index, b, i));
                if (Long.compareUnsigned(r, cursor) >= 0 && (hi == 0 || Long.compareUnsigned(r, hi) < 0)) {
                    sink.accept(b | i);
                }
            }
            b = checked.nextInChain(m, seg, index, b, n, chainLimit);
        }
    }

    /** Adds the current array's chain lengths to {@code histogram}. The caller holds the segment. */
    void chainLengths(int seg, long[] histogram) {
        MemorySegment m = heap.mem();
        long h = table.header(seg);
        int log2 = checked.log2Buckets(m, seg, h);
        long buckets = checked.buckets(m, seg, h, log2);
        if (buckets == 0) {
            return;
        }
        int chainLimit = SegmentHeader.noverflow(m, h);
        for (long index = 0; index < (1L << log2); index++) {
            int length = 1;
            long b = buckets + index * layout.size;
            while ((b = checked.nextInChain(m, seg, index, b, length - 1, chainLimit)) != 0) {
                length++;
            }
            histogram[Math.min(length, HashTable.CHAIN_HISTOGRAM - 1)]++;
        }
    }

    /**
     * Reports every block segment {@code seg} reaches: its arrays, overflow buckets and entries, each
     * checked on the way (a damaged file throws {@link CorruptedStoreException}). Only reads, so a
     * read-only look at a file can use it too.
     */
    void reachable(int seg, HashTable.BlockSink sink) {
        MemorySegment m = heap.mem();
        long h = table.header(seg);
        int log2 = checked.log2Buckets(m, seg, h);
        long buckets = checked.buckets(m, seg, h, log2);
        long old = SegmentHeader.oldBuckets(m, h);
        int oldLog2 = SegmentHeader.oldLog2Buckets(m, h);
        int chainLimit = SegmentHeader.noverflow(m, h);
        for (int pass = 0; pass < 2; pass++) {
            long array = pass == 0 ? buckets : (old == 0 ? 0 : checked.oldBuckets(m, seg, h, oldLog2));
            int arrayLog2 = pass == 0 ? log2 : oldLog2;
            if (array == 0) {
                continue;
            }
            sink.reached(array);
            for (long index = 0; index < (1L << arrayLog2); index++) {
                long b = array + index * layout.size;
                if (pass == 1 && BucketLayout.isEvacuated(BucketLayout.tophash(m, b, 0))) {
                    continue;
                }
                for (int n = 0; b != 0; n++) {
                    for (int i = 0; i < SLOTS; i++) {
                        if (BucketLayout.tophash(m, b, i) >= BucketLayout.MIN_TOPHASH
                                && !(table.keyInline && table.valueInline)) {
                            sink.reached(checked.entryOf(m, seg, b, i));
                        }
                    }
                    long next = checked.nextInChain(m, seg, index, b, n, chainLimit);
                    if (next != 0) {
                        sink.reached(next);
                    }
                    b = next;
                }
            }
        }
    }

    /**
     * Removes the expired entries of up to {@code count} buckets of the current array, starting at
     * {@code from}; the caller holds the segment for writing.
     *
     * @param sink receives the hash of each removed entry
     * @return where the next sweep starts, or {@link HashTable#SWEEP_INTERRUPTED}
     */
    long sweepExpired(int seg, long from, int count, long now, java.util.function.LongConsumer sink) {
        MemorySegment m = heap.mem();
        long h = table.header(seg);
        if (!layout.hasDeadlines || SegmentHeader.buckets(m, h) == 0) {
            return 0;
        }
        int log2 = checked.log2Buckets(m, seg, h);
        long buckets = checked.buckets(m, seg, h, log2);
        long index = from & HashTable.mask(log2);
        for (int c = 0; c < count; c++, index = (index + 1) & HashTable.mask(log2)) {
            // A removal may fill its hole from the chain's tail and unlink an emptied overflow bucket
            // (ChainPacking), so after one the chain is walked again from its start; a chain is short.
            chain:
            while (true) {
                int chainLimit = SegmentHeader.noverflow(m, h);
                for (long b = buckets + index * layout.size, n = 0; b != 0;
                        b = checked.nextInChain(m, seg, index, b, n++, chainLimit)) {
                    for (int i = 0; i < SLOTS; i++) {
                        if (BucketLayout.tophash(m, b, i) < BucketLayout.MIN_TOPHASH) {
                            continue;
                        }
                        long deadline = m.get(LONG, layout.deadlineAt(b, i));
                        if (deadline == 0 || deadline > now) {
                            continue;
                        }
                        // A removal that started a shrink ends the sweep: the next one starts afresh.
                        long hash = checked.hashAt(m, seg, index, b, i);
                        boolean removed = table.writes.removeByHash(seg, hash);
                        m = heap.mem();
                        if (removed) {
                            sink.accept(hash);
                        }
                        if (SegmentHeader.buckets(m, h) != buckets) {
                            return HashTable.SWEEP_INTERRUPTED;
                        }
                        if (removed) {
                            continue chain;
                        }
                    }
                }
                break;
            }
        }
        return index;
    }
}

package io.hmapstore.table;

import static io.hmapstore.table.BucketLayout.EMPTY_REST;
import static io.hmapstore.table.BucketLayout.EVACUATED_EMPTY;
import static io.hmapstore.table.BucketLayout.EVACUATED_X;
import static io.hmapstore.table.BucketLayout.EVACUATED_Y;
import static io.hmapstore.table.BucketLayout.SLOTS;
import static io.hmapstore.table.HashTable.LOAD_DEN;
import static io.hmapstore.table.HashTable.LOAD_NUM;

import io.hmapstore.heap.BlockHeader;
import io.hmapstore.heap.EntryHeap;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Growth of a {@link HashTable}'s segments: when to grow, starting a grow, and the incremental
 * evacuation of the old bucket array into the new one. The caller holds the segment for writing.
 *
 * <p>Implementation notes. This mirrors Go's {@code runtime/map.go} (the pre-swiss-table map):
 * {@link #overLoadFactor} and {@link #tooManyOverflowBuckets} are Go's tests of the same names,
 * {@link #hashGrow} is {@code hashGrow} (the old array kept in {@code oldbuckets}, {@code nevacuate}
 * at 0), {@link #growWork} is {@code growWork} (the old bucket feeding the bucket a write touches,
 * plus the next unevacuated one), {@link #evacuate} is {@code evacuate} (each entry of an old bucket
 * goes to its X or Y half, the old slot is marked {@code evacuatedX}/{@code evacuatedY}), and
 * {@link #advanceEvacuationMark} is {@code advanceEvacuationMark}, bounded to 1024 buckets a step as
 * Go's is. Two departures: the old array may be larger than the new one, so the same machinery halves
 * a segment ({@link #maybeShrink}, which Go does not do); and an evacuated old bucket's overflow chain
 * is retired at once rather than with the whole array.
 *
 * <p>The order of the header stores in {@link #hashGrow} and of the slot and tophash stores in
 * {@link #evacuate} is what recovery of a crashed file relies on ({@link SegmentHeader}'s publication
 * rules, {@link TableRecovery}).
 */
final class Growth {
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;
    private static final ValueLayout.OfLong SLOT_LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    private final HashTable table;
    private final EntryHeap heap;
    private final BucketLayout layout;
    private final CheckedReads checked;

    private final AtomicLong growths = new AtomicLong();
    private final AtomicLong sameSizeGrowths = new AtomicLong();
    private final AtomicLong shrinks = new AtomicLong();
    /** Old buckets evacuated. */
    private final SegmentCounters evacuations;

    Growth(HashTable table) {
        this.table = table;
        this.heap = table.heap;
        this.layout = table.layout;
        this.checked = table.checked;
        this.evacuations = new SegmentCounters(table.segments);
    }

    static boolean overLoadFactor(long count, int log2) {
        return count > SLOTS && count > LOAD_NUM * ((1L << log2) / LOAD_DEN);
    }

    /**
     * Go's test: about as many overflow buckets as regular ones. Go caps B at 15 here only because its
     * {@code noverflow} is a uint16 that, past B = 15, counts one overflow bucket in 2^(B-15); ours
     * counts exactly, so the threshold is 2^B at every size. (Capping it as Go's code reads made large
     * segments grow at the same size again and again while merely filling up: five rehashes of a
     * million-bucket array for 3.5M inserts.) A bounded table at its largest size holds more than 6.5
     * entries a bucket, which need overflow buckets of their own: {@code count / 8} more are allowed
     * there ({@code count} is 0 below that size), or it would grow at the same size without end.
     */
    static boolean tooManyOverflowBuckets(long noverflow, int log2, long count) {
        return noverflow >= (1L << log2) + count / SLOTS;
    }

    /** @return false, changing nothing, when a bounded table's new array does not fit now */
    boolean hashGrow(int seg, long h, int newLog2) {
        MemorySegment m = heap.mem();
        int log2 = SegmentHeader.log2Buckets(m, h);
        long array = table.bounded ? heap.tryAllocateArray(layout.size << newLog2)
                : heap.allocate(layout.size << newLog2, BlockHeader.BUCKETS);
        if (array == 0) {
            return false;
        }
        m = heap.mem();
        // Crash-ordered: while oldbuckets == buckets (a crash between these stores), recovery rolls
        // the grow back to oldB; once buckets names the new array, the grow is complete and
        // recovery finishes the evacuation.
        SegmentHeader.setOldLog2Buckets(m, h, log2);
        SegmentHeader.setNevacuate(m, h, 0);
        HashTable.publish();
        SegmentHeader.setOldBuckets(m, h, SegmentHeader.buckets(m, h));
        HashTable.publish();
        SegmentHeader.setLog2Buckets(m, h, newLog2);
        HashTable.publish();
        SegmentHeader.setBuckets(m, h, array);
        if (TableEvents.GROW.isEnabled()) {
            TableEvents.Grow event = new TableEvents.Grow();
            event.segment = seg;
            event.oldLog2Buckets = log2;
            event.newLog2Buckets = newLog2;
            event.entries = SegmentHeader.count(m, h);
            event.overflowBuckets = SegmentHeader.noverflow(m, h);
            event.commit();
        }
        if (newLog2 > log2) {
            growths.incrementAndGet();
        } else if (newLog2 == log2) {
            sameSizeGrowths.incrementAndGet();
        } else {
            shrinks.incrementAndGet();
        }
        SegmentHeader.bumpGeneration(m, h);
        return true;
    }

    void maybeShrink(int seg, long h) {
        MemorySegment m = heap.mem();
        int log2 = SegmentHeader.log2Buckets(m, h);
        if (log2 <= table.initialLog2 || SegmentHeader.oldBuckets(m, h) != 0) {
            return;
        }
        // Below a quarter of the grow threshold: after halving the load stays under half of it.
        if (SegmentHeader.count(m, h) * LOAD_DEN * 4 < LOAD_NUM * (1L << log2)) {
            hashGrow(seg, h, log2 - 1);
        }
    }

    void growWork(int seg, long h, long newIndex) {
        MemorySegment m = heap.mem();
        int log2 = SegmentHeader.log2Buckets(m, h);
        int oldLog2 = SegmentHeader.oldLog2Buckets(m, h);
        if (oldLog2 <= log2) {
            evacuate(seg, h, newIndex & HashTable.mask(oldLog2));
        } else {
            evacuate(seg, h, newIndex);
            evacuate(seg, h, newIndex + (1L << log2));
        }
        m = heap.mem();
        if (SegmentHeader.oldBuckets(m, h) != 0) {
            evacuate(seg, h, SegmentHeader.nevacuate(m, h));
        }
    }

    /** Moves every entry of old bucket {@code oldIndex} (and its chain) into the new array. */
    private void evacuate(int seg, long h, long oldIndex) {
        MemorySegment m = heap.mem();
        int log2 = SegmentHeader.log2Buckets(m, h);
        int oldLog2 = SegmentHeader.oldLog2Buckets(m, h);
        long old = checked.oldBuckets(m, seg, h, oldLog2);
        long buckets = checked.buckets(m, seg, h, log2);
        long ob = old + oldIndex * layout.size;
        if (!BucketLayout.isEvacuated(BucketLayout.tophash(m, ob, 0))) {
            boolean doubling = oldLog2 < log2;
            long xIndex = oldIndex & HashTable.mask(log2);
            long yIndex = xIndex + (1L << oldLog2);
            long xb = chainLast(m, seg, xIndex, buckets + xIndex * layout.size);
            int xi = firstFree(m, xb);
            long yb = 0;
            int yi = 0;
            int chainLimit = SegmentHeader.noverflow(m, h);
            long b = ob;
            for (int n = 0; b != 0; n++) {
                for (int i = 0; i < SLOTS; i++) {
                    int t = BucketLayout.tophash(m, b, i);
                    if (BucketLayout.isEmpty(t)) {
                        BucketLayout.setTophash(m, b, i, EVACUATED_EMPTY);
                        continue;
                    }
                    if (BucketLayout.isEvacuated(t)) {
                        throw checked.corrupt(seg, oldIndex, b + i, "a tophash of a live or empty slot",
                                "evacuation mark " + t + " inside an unevacuated bucket");
                    }
                    boolean useY = doubling && (checked.hashAt(m, seg, oldIndex, b, i) & (1L << oldLog2)) != 0;
                    long db;
                    int di;
                    if (useY) {
                        if (yb == 0) {
                            yb = chainLast(m, seg, yIndex, buckets + yIndex * layout.size);
                            yi = firstFree(m, yb);
                        }
                        if (yi == SLOTS) {
                            yb = newOverflow(seg, h, yb, true);
                            yi = 0;
                            m = heap.mem();
                        }
                        db = yb;
                        di = yi++;
                    } else {
                        if (xi == SLOTS) {
                            xb = newOverflow(seg, h, xb, true);
                            xi = 0;
                            m = heap.mem();
                        }
                        db = xb;
                        di = xi++;
                    }
                    copySlot(m, b, i, db, di);
                    HashTable.publish();
                    BucketLayout.setTophash(m, db, di, t);
                    HashTable.publish();
                    BucketLayout.setTophash(m, b, i, useY ? EVACUATED_Y : EVACUATED_X);
                }
                b = checked.nextInChain(m, seg, oldIndex, b, n, chainLimit);
            }
            // The old chain's overflow buckets are unreachable now: the primary bucket's marks say
            // "look in the new array". Give them back at once rather than with the whole array.
            long ovf = layout.overflow(m, ob);
            layout.setOverflow(m, ob, 0);
            int freed = 0;
            while (ovf != 0) {
                long next = layout.overflow(m, ovf);
                heap.retire(ovf);
                freed++;
                ovf = next;
            }
            m = heap.mem();
            SegmentHeader.setNoverflow(m, h, SegmentHeader.noverflow(m, h) - freed);
            evacuations.increment(seg);
            SegmentHeader.bumpGeneration(m, h);
            if (TableEvents.EVACUATE.isEnabled()) {
                TableEvents.Evacuate event = new TableEvents.Evacuate();
                event.segment = seg;
                event.oldBucket = oldIndex;
                event.overflowFreed = freed;
                event.commit();
            }
        }
        if (oldIndex == SegmentHeader.nevacuate(m, h)) {
            advanceEvacuationMark(seg, h, old, oldLog2);
        }
    }

    /** The last bucket of a chain: evacuation appends there, since destination chains stay packed. */
    private long chainLast(MemorySegment m, int seg, long index, long b) {
        int chainLimit = SegmentHeader.noverflow(m, table.header(seg));
        for (int n = 0; ; n++) {
            long next = checked.nextInChain(m, seg, index, b, n, chainLimit);
            if (next == 0) {
                return b;
            }
            b = next;
        }
    }

    /** @return the first emptyRest slot of bucket {@code b}, or {@link BucketLayout#SLOTS} when it is full */
    private static int firstFree(MemorySegment m, long b) {
        for (int i = 0; i < SLOTS; i++) {
            if (BucketLayout.tophash(m, b, i) == EMPTY_REST) {
                return i;
            }
        }
        return SLOTS;
    }

    private void advanceEvacuationMark(int seg, long h, long old, int oldLog2) {
        MemorySegment m = heap.mem();
        long oldSize = 1L << oldLog2;
        long next = SegmentHeader.nevacuate(m, h) + 1;
        // Go bounds this scan so one write never does O(n) work; 1024 buckets as Go does.
        long stop = Math.min(next + 1024, oldSize);
        while (next < stop && BucketLayout.isEvacuated(BucketLayout.tophash(m, old + next * layout.size, 0))) {
            next++;
        }
        SegmentHeader.setNevacuate(m, h, next);
        if (next == oldSize) {
            SegmentHeader.setOldBuckets(m, h, 0);
            SegmentHeader.setOldLog2Buckets(m, h, 0);
            SegmentHeader.bumpGeneration(m, h);
            heap.retire(old);
        }
    }

    /** Runs growth to completion, so the segment has one array again. */
    void finishGrowth(int seg) {
        long h = table.header(seg);
        MemorySegment m = heap.mem();
        while (SegmentHeader.oldBuckets(m, h) != 0) {
            evacuate(seg, h, SegmentHeader.nevacuate(m, h));
            m = heap.mem();
        }
    }

    long newOverflow(int seg, long h, long last) {
        return newOverflow(seg, h, last, false);
    }

    /** @param urgent for an evacuation under way, which must not fail halfway */
    long newOverflow(int seg, long h, long last, boolean urgent) {
        long ovf = urgent ? heap.allocateUrgent(layout.size, BlockHeader.OVERFLOW)
                : heap.allocate(layout.size, BlockHeader.OVERFLOW);
        MemorySegment m = heap.mem();
        // Written, not assumed zero: with ZERO_ON_REUSE off a reused block keeps an old bucket's bytes,
        // and now that emptied overflow buckets are freed and reused as overflow buckets, their stale
        // tophashes and link would turn into ghost slots and a chain into freed memory.
        for (int i = 0; i < BucketLayout.SLOTS; i++) {
            BucketLayout.setTophash(m, ovf, i, BucketLayout.EMPTY_REST);
        }
        layout.setOverflow(m, ovf, 0);
        HashTable.publish();
        layout.setOverflow(m, last, ovf);
        SegmentHeader.setNoverflow(m, h, SegmentHeader.noverflow(m, h) + 1);
        return ovf;
    }

    /** Copies a slot whole: key, value, and the eviction and expiry state that travel with them. */
    void copySlot(MemorySegment m, long b, int i, long db, int di) {
        copyBytes(m, layout.keyAt(b, i), layout.keyAt(db, di), layout.keySlot);
        copyBytes(m, layout.valueAt(b, i), layout.valueAt(db, di), layout.valueSlot);
        if (layout.hasMeta) {
            m.set(BYTE, layout.metaAt(db, di), m.get(BYTE, layout.metaAt(b, i)));
        }
        if (layout.hasDeadlines) {
            m.set(LONG, layout.deadlineAt(db, di), m.get(LONG, layout.deadlineAt(b, i)));
        }
    }

    /**
     * {@code MemorySegment.copy} within the region, but an 8-byte slot (a long key or value, or an
     * entry offset) as one load and store: growth copies two slots per entry, and the bulk copy's call
     * into the array-copy stub cost more than the move itself.
     */
    private static void copyBytes(MemorySegment m, long from, long to, long length) {
        if (length == Long.BYTES) {
            m.set(SLOT_LONG, to, m.get(SLOT_LONG, from));
        } else if (length > 0) {
            MemorySegment.copy(m, from, m, to, length);
        }
    }

    long growths() {
        return growths.get();
    }

    long sameSizeGrowths() {
        return sameSizeGrowths.get();
    }

    long shrinks() {
        return shrinks.get();
    }

    long evacuations() {
        return evacuations.sum();
    }
}

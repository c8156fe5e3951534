package io.hmapstore.table;

import static io.hmapstore.table.BucketLayout.EMPTY_ONE;
import static io.hmapstore.table.BucketLayout.SLOTS;

import io.hmapstore.heap.EntryHeap;
import java.lang.foreign.MemorySegment;

/**
 * Keeps a chain's overflow buckets no more than its entries need, so churn at a constant size keeps a
 * constant number of them: a delete fills its hole with the chain's last live slot when that lies in a
 * later overflow bucket, and an overflow bucket left with no live slot is unlinked and retired (its
 * block then serves the next overflow bucket any chain needs). Go keeps every overflow bucket until a
 * same-size grow rebuilds the table; here, in steady churn at 200k entries, that was 30k overflow buckets
 * for 32k primary ones. The caller holds the segment for writing; nothing is done while it grows (an
 * evacuation walks the old chains as they are).
 *
 * <p>Implementation notes. Filling a hole moves a slot within one chain, so a lookup of its key still
 * starts at the same bucket and iteration's bucket intervals hold. The stores are ordered for a lock-free
 * reader and for a crash: the hole is already {@code emptyOne}; the slot's bytes are copied into it, then
 * its tophash, then the old slot's tophash is cleared, each after a store-store fence. A reader between
 * two of them may meet the key twice or, walking on, not at all; either way its stamp sends it round. A
 * crash between the last two leaves the key twice in its chain, both naming the same bytes: recovery
 * clears the later copy ({@link TableRecovery}). Unlinking is one store of the previous bucket's link: a
 * reader inside the unlinked buckets reads retired, intact buckets whose links still lead on; a crash
 * leaves them linked or unreachable, and recovery recounts {@code noverflow} either way.
 */
final class ChainPacking {
    private final HashTable table;
    private final TableWrites writes;
    private final EntryHeap heap;
    private final BucketLayout layout;
    private final CheckedReads checked;

    ChainPacking(HashTable table, TableWrites writes) {
        this.table = table;
        this.writes = writes;
        this.heap = table.heap;
        this.layout = table.layout;
        this.checked = table.checked;
    }

    /** After slot (b, i) of chain {@code start} was made {@code emptyOne} by a delete. */
    void afterDelete(MemorySegment m, int seg, long h, long index, long start, long b, int i) {
        if (SegmentHeader.oldBuckets(m, h) == 0) {
            long last = lastLiveSlotAfter(m, seg, index, b);
            if (last >= 0) {
                long lb = Slots.bucketOf(last);
                int li = Slots.indexOf(last);
                HashTable.publish();
                table.growth.copySlot(m, lb, li, b, i);
                HashTable.publish();
                BucketLayout.setTophash(m, b, i, BucketLayout.tophash(m, lb, li));
                HashTable.publish();
                BucketLayout.setTophash(m, lb, li, EMPTY_ONE);
                b = lb;
                i = li;
            }
        }
        writes.markEmptyRest(m, seg, index, start, b, i);
        if (SegmentHeader.oldBuckets(m, h) == 0) {
            unlinkIfEmpty(m, seg, h, index, start, b);
        }
    }

    /** @return the chain's last live slot if it lies in a bucket after {@code b}, else -1 */
    private long lastLiveSlotAfter(MemorySegment m, int seg, long index, long b) {
        int chainLimit = SegmentHeader.noverflow(m, table.header(seg));
        long last = -1;
        long next = checked.overflow(m, seg, index, b);
        for (int n = 0; next != 0; n++) {
            if (n > chainLimit) {
                throw checked.chainTooLong(seg, index, next, chainLimit);
            }
            for (int j = SLOTS - 1; j >= 0; j--) {
                if (BucketLayout.tophash(m, next, j) >= BucketLayout.MIN_TOPHASH) {
                    last = next | j;
                    break;
                }
            }
            next = checked.overflow(m, seg, index, next);
        }
        return last;
    }

    /** Every tophash byte empty, as {@link BucketLayout#emptyBytes} marks it. */
    private static final long ALL_EMPTY = 0x8080_8080_8080_8080L;

    /** Unlinks overflow bucket {@code b} of chain {@code start}, and the wholly empty ones after it, if it holds nothing. */
    private void unlinkIfEmpty(MemorySegment m, int seg, long h, long index, long start, long b) {
        if (b == start || BucketLayout.emptyBytes(BucketLayout.tophashWord(m, b)) != ALL_EMPTY) {
            return;
        }
        int chainLimit = SegmentHeader.noverflow(m, h);
        long prev = start;
        for (int n = 0; checked.overflow(m, seg, index, prev) != b; n++) {
            prev = checked.overflow(m, seg, index, prev);
            if (prev == 0 || n > chainLimit) {
                throw checked.chainTooLong(seg, index, b, chainLimit);
            }
        }
        long next = checked.overflow(m, seg, index, b);
        int unlinked = 1;
        while (next != 0 && BucketLayout.emptyBytes(BucketLayout.tophashWord(m, next)) == ALL_EMPTY) {
            if (unlinked > chainLimit) {
                throw checked.chainTooLong(seg, index, next, chainLimit);
            }
            next = checked.overflow(m, seg, index, next);
            unlinked++;
        }
        layout.setOverflow(m, prev, next);
        SegmentHeader.setNoverflow(m, h, chainLimit - unlinked);
        for (long dead = b; dead != next; ) {
            long after = layout.overflow(m, dead);
            heap.retire(dead);
            dead = after;
        }
    }

}

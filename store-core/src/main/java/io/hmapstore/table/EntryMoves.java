package io.hmapstore.table;

import static io.hmapstore.table.BucketLayout.SLOTS;

import io.hmapstore.StoreFullException;
import io.hmapstore.heap.BlockHeader;
import io.hmapstore.heap.EntryHeap;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.LongAdder;

/**
 * The table's half of a compaction: walks a segment's chains and moves every entry and overflow bucket
 * that lies in a slab the heap is emptying ({@link EntryHeap#planCompaction}) into a fresh block. The
 * caller holds the segment for writing.
 *
 * <p>Implementation notes. A slot's reference is the only pointer to an entry, and the previous bucket's
 * overflow link the only pointer to an overflow bucket, so a move is local to the segment: copy the block,
 * {@link HashTable#publish} (a store-store fence), swing the one pointer, retire the old copy. A
 * {@code kill -9} at any point leaves the pointer naming exactly one whole copy; the heap's rebuild on
 * open frees whichever copy nothing reaches, so a crash mid-move loses nothing and leaks nothing. The old
 * copy is retired, not freed: a lock-free reader that took the old offset reads the old, intact bytes
 * until its epoch ends, then retries (its stamp moved with this writer's lock); the 8-byte-key fast reads,
 * which skip epochs, check every offset and keep nothing their stamp does not validate. An entry's view
 * goes stale by its block's generation; an inline value moves with its overflow bucket, so moving one
 * bumps the segment's generation, which such a view holds.
 *
 * <p>The walk follows the current array by chain index, {@code maxChains} chains a call, and restarts
 * when the segment's array changed since the walk began (a growth copies slots, not entries, so a
 * restart finds what is left). A segment that is growing is left to its growth: its old chains are
 * retired as they are evacuated.
 *
 * <p>Thread safety: one segment's state is touched only under that segment's write lock.
 */
public final class EntryMoves {
    /** {@link #step}'s answer when a segment's walk is complete. */
    public static final long DONE = -1L;
    private static final ValueLayout.OfLong SLOT_LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;

    private final HashTable table;
    private final EntryHeap heap;
    private final BucketLayout layout;
    private final CheckedReads checked;
    private final boolean hasEntries;
    private final boolean keyInline;
    /** The array each segment's walk started on, so a walk that a growth interrupted starts again. */
    private final long[] walkedArray;
    private final LongAdder movedBytes = new LongAdder();
    private final LongAdder movedBlocks = new LongAdder();

    public EntryMoves(HashTable table) {
        this.table = table;
        this.heap = table.heap;
        this.layout = table.layout;
        this.checked = table.checked;
        this.keyInline = table.keyInline;
        this.hasEntries = !(table.keyInline && table.valueInline);
        this.walkedArray = new long[table.segments];
    }

    /**
     * Moves what lies in slabs being emptied out of up to {@code maxChains} chains of segment {@code seg},
     * from chain {@code from}. A bounded store that cannot give a fresh block ends the walk: what stays is
     * given back to ordinary use when the compaction ends ({@link EntryHeap#endCompaction}).
     *
     * @param from 0 to start a walk, else what the last call returned
     * @return where the next call starts, or {@link #DONE}; {@code from} when the segment is growing
     */
    public long step(int seg, long from, long maxChains) {
        MemorySegment m = heap.mem();
        long h = table.header(seg);
        if (SegmentHeader.oldBuckets(m, h) != 0) {
            return from;
        }
        int log2 = checked.log2Buckets(m, seg, h);
        long buckets = checked.buckets(m, seg, h, log2);
        if (buckets == 0) {
            return DONE;
        }
        if (from == 0 || walkedArray[seg] != buckets) {
            walkedArray[seg] = buckets;
            from = 0;
        }
        long chains = 1L << log2;
        // Not from + maxChains, which a caller passing a large count would overflow.
        long end = from + Math.min(maxChains, chains - from);
        int chainLimit = SegmentHeader.noverflow(m, h);
        boolean movedBucket = false;
        try {
            for (long index = from; index < end; index++) {
                long b = buckets + index * layout.size;
                for (int n = 0; ; n++) {
                    if (hasEntries) {
                        moveEntries(seg, index, b);
                    }
                    long next = checked.overflow(heap.mem(), seg, index, b);
                    if (next == 0) {
                        break;
                    }
                    if (n >= chainLimit) {
                        throw checked.chainTooLong(seg, index, next, chainLimit);
                    }
                    if (heap.isEvacuating(next)) {
                        next = moveBucket(b, next);
                        movedBucket = true;
                    }
                    b = next;
                }
            }
        } catch (StoreFullException full) {
            return DONE;
        } finally {
            if (movedBucket) {
                SegmentHeader.bumpGeneration(heap.mem(), h);
            }
        }
        return end == chains ? DONE : end;
    }

    private void moveEntries(int seg, long index, long b) {
        for (int i = 0; i < SLOTS; i++) {
            MemorySegment m = heap.mem();
            if (BucketLayout.tophash(m, b, i) < BucketLayout.MIN_TOPHASH) {
                continue;
            }
            long slotOffset = keyInline ? layout.valueAt(b, i) : layout.keyAt(b, i);
            long old = checked.checkedEntry(m, seg, index, slotOffset);
            if (!heap.isEvacuating(old)) {
                continue;
            }
            long length = EntryLayout.DATA + Integer.toUnsignedLong(m.get(INT, old + EntryLayout.KEY_LENGTH))
                    + Integer.toUnsignedLong(m.get(INT, old + EntryLayout.VALUE_LENGTH));
            long fresh = heap.allocate(length, BlockHeader.ENTRY);
            m = heap.mem();
            MemorySegment.copy(m, old, m, fresh, length);
            HashTable.publish();
            m.set(SLOT_LONG, slotOffset, fresh);
            heap.retire(old);
            movedBytes.add(length + BlockHeader.SIZE);
            movedBlocks.increment();
        }
    }

    /** Moves overflow bucket {@code old}, linked from {@code prev}; @return its new offset. */
    private long moveBucket(long prev, long old) {
        long fresh = heap.allocate(layout.size, BlockHeader.OVERFLOW);
        MemorySegment m = heap.mem();
        MemorySegment.copy(m, old, m, fresh, layout.size);
        HashTable.publish();
        layout.setOverflow(m, prev, fresh);
        heap.retire(old);
        movedBytes.add(layout.size + BlockHeader.SIZE);
        movedBlocks.increment();
        return fresh;
    }

    /** @return bytes of entries and overflow buckets moved since the store opened, headers included */
    public long movedBytes() {
        return movedBytes.sum();
    }

    /** @return entries and overflow buckets moved since the store opened */
    public long movedBlocks() {
        return movedBlocks.sum();
    }
}

package io.hmapstore.table;

import static io.hmapstore.table.HashTable.MAX_LOG2_BUCKETS;
import static io.hmapstore.table.HashTable.log2InRange;

import io.hmapstore.CorruptedStoreException;
import io.hmapstore.heap.BlockHeader;
import io.hmapstore.heap.EntryHeap;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The reads of offsets and lengths from a {@link HashTable}'s memory that every walk shares (lookup,
 * insert, delete, growth, scans, recovery): each one checks what it read before anything follows it,
 * and throws a {@link CorruptedStoreException} naming the segment, bucket and offset
 * ({@link TableErrors}) rather than read or write outside the heap.
 *
 * <p>Implementation notes. Go's {@code runtime/map.go} trusts its pointers; a mapped file may not be
 * trusted, so every offset read from it is checked: {@code B} against {@link HashTable#MAX_LOG2_BUCKETS},
 * an overflow link and an entry reference against the heap's blocks of that kind, and (with
 * OFFSET_CHECK on) a bucket array against the heap and the mapping, an entry's lengths against its
 * block. {@link #nextInChain} is one checked chain step for the cold walks; the hot walks
 * ({@code find}, {@code put}, {@code remove}) step by hand with the same check. The short lookup
 * ({@link HashTable#findInlineLong}) checks by {@link HashTable#arrayOk} and never throws.
 * This class is final and reached through one final field of the table, so every call site is
 * monomorphic and inlined as before the split.
 */
final class CheckedReads {
    private static final ValueLayout.OfLong SLOT_LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;

    private final HashTable table;
    private final EntryHeap heap;
    private final BucketLayout layout;
    private final TableErrors errors;
    private final long seed;
    private final int keySize;
    private final boolean keyInline;
    private final boolean checkOffsets;

    CheckedReads(HashTable table) {
        this.table = table;
        this.heap = table.heap;
        this.layout = table.layout;
        this.errors = table.errors;
        this.seed = table.seed;
        this.keySize = table.keySize;
        this.keyInline = table.keyInline;
        this.checkOffsets = table.checkOffsets;
    }

    int log2Buckets(MemorySegment m, int seg, long h) {
        int log2 = SegmentHeader.log2Buckets(m, h);
        if (!log2InRange(log2)) {
            throw corrupt(seg, -1, SegmentHeader.log2BucketsOffset(h), "B in [0, " + MAX_LOG2_BUCKETS + "]",
                    Integer.toString(log2));
        }
        return log2;
    }

    /** @return the current bucket array, 0 while unmade, checked when OFFSET_CHECK is on */
    long buckets(MemorySegment m, int seg, long h, int log2) {
        return checkedArray(m, seg, SegmentHeader.buckets(m, h), SegmentHeader.bucketsOffset(h), log2);
    }

    /** @return the array being evacuated, 0 when not growing, checked when OFFSET_CHECK is on */
    long oldBuckets(MemorySegment m, int seg, long h, int oldLog2) {
        return checkedArray(m, seg, SegmentHeader.oldBuckets(m, h), SegmentHeader.oldBucketsOffset(h), oldLog2);
    }

    private long checkedArray(MemorySegment m, int seg, long array, long field, int log2) {
        if (checkOffsets && array != 0 && !table.arrayOk(m, array, log2)) {
            throw corrupt(seg, -1, field, "a bucket array of 2^" + log2 + " buckets in heap " + heap.range(),
                    errors.describe(m, array));
        }
        return array;
    }

    long overflow(MemorySegment m, int seg, long index, long b) {
        long next = layout.overflow(m, b);
        if (next != 0 && !heap.isValid(next, BlockHeader.OVERFLOW)) {
            throw corrupt(seg, index, layout.overflowOffset(b), "0 or an overflow bucket in heap " + heap.range(),
                    errors.describe(m, next));
        }
        return next;
    }

    /**
     * One step of a cold path's chain walk: the bucket after {@code b} in chain {@code index}, checked
     * as {@link #overflow} checks it, or 0 at the chain's end. {@code n} counts the steps taken, from 0;
     * a chain that has a bucket after step {@code limit} holds more overflow buckets than the segment
     * owns, so it is longer than it may be or cyclic. The hot paths ({@code find}, {@code put},
     * {@code remove}) walk by hand, with the same check.
     */
    long nextInChain(MemorySegment m, int seg, long index, long b, long n, long limit) {
        long next = overflow(m, seg, index, b);
        if (next != 0 && n >= limit) {
            throw chainTooLong(seg, index, next, limit);
        }
        return next;
    }

    long entryOf(MemorySegment m, int seg, long b, int i) {
        long slot = keyInline ? layout.valueAt(b, i) : layout.keyAt(b, i);
        return checkedEntry(m, seg, -1, slot);
    }

    long checkedEntry(MemorySegment m, int seg, long index, long slotOffset) {
        long ref = m.get(SLOT_LONG, slotOffset);
        if (!heap.isValid(ref, BlockHeader.ENTRY)) {
            throw corrupt(seg, index, slotOffset, "an entry in heap " + heap.range(), errors.describe(m, ref));
        }
        if (checkOffsets) {
            long length = EntryLayout.DATA + Integer.toUnsignedLong(m.get(INT, ref + EntryLayout.KEY_LENGTH))
                    + Integer.toUnsignedLong(m.get(INT, ref + EntryLayout.VALUE_LENGTH));
            long capacity = heap.capacity(ref);
            if (length > capacity) {
                throw corrupt(seg, index, ref, "an entry of at most " + capacity + " bytes",
                        "lengths adding up to " + length + " bytes");
            }
        }
        return ref;
    }

    boolean keyEquals(MemorySegment m, int seg, long index, long b, int i, MemorySegment key, long keyOffset,
            long keyLength, long keyBits) {
        if (keyInline) {
            long at = layout.keyAt(b, i);
            if (key == null) {
                return m.get(SLOT_LONG, at) == keyBits;
            }
            return MemorySegment.mismatch(m, at, at + keySize, key, keyOffset, keyOffset + keySize) == -1;
        }
        long ref = checkedEntry(m, seg, index, layout.keyAt(b, i));
        if (Integer.toUnsignedLong(m.get(INT, ref + EntryLayout.KEY_LENGTH)) != keyLength) {
            return false;
        }
        long at = ref + EntryLayout.DATA;
        return MemorySegment.mismatch(m, at, at + keyLength, key, keyOffset, keyOffset + keyLength) == -1;
    }

    long hashAt(MemorySegment m, int seg, long index, long b, int i) {
        if (keyInline) {
            long at = layout.keyAt(b, i);
            return keySize == Long.BYTES ? Hashing.ofLong(m.get(SLOT_LONG, at), seed)
                    : Hashing.ofBytes(m, at, keySize, seed);
        }
        long ref = checkedEntry(m, seg, index, layout.keyAt(b, i));
        return Hashing.ofBytes(m, ref + EntryLayout.DATA, Integer.toUnsignedLong(m.get(INT, ref + EntryLayout.KEY_LENGTH)),
                seed);
    }

    CorruptedStoreException chainTooLong(int seg, long index, long at, long limit) {
        return errors.chainTooLong(seg, index, at, limit);
    }

    CorruptedStoreException corrupt(int seg, long index, long offset, String expected, String found) {
        return errors.corrupt(seg, index, offset, expected, found);
    }
}

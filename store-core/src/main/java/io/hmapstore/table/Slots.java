package io.hmapstore.table;

import io.hmapstore.heap.BlockHeader;
import io.hmapstore.heap.EntryHeap;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * What a slot of a {@link HashTable} holds, for the store layer: where its key and value lie, the entry
 * it refers to, its key's hash, and the state eviction and expiry keep beside it (the access
 * frequency in the slot's meta byte, the deadline). A slot is {@code bucketOffset | slotIndex}, as
 * {@link HashTable#find} returns it; the caller holds the segment or reads under its stamp.
 *
 * <p>Implementation notes. Every entry reference read from a slot goes through
 * {@link CheckedReads#entryOf}, so a damaged one throws rather than reads outside the heap, except in
 * the value copy of the short path ({@link #copyValue}), which checks against the caller's mapping and
 * never throws, so the JIT inlines it whole with {@link HashTable#findInlineLong}. This class is final
 * and reached through one final field of the table ({@code table.slots}), so every call site stays
 * monomorphic; nothing here allocates.
 */
public final class Slots {
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;
    private static final ValueLayout.OfLong LONG_UNALIGNED = ValueLayout.JAVA_LONG_UNALIGNED;

    private final EntryHeap heap;
    private final BucketLayout layout;
    private final CheckedReads checked;
    private final int keySize;
    private final int valueSize;
    private final boolean keyInline;
    private final boolean valueInline;

    Slots(HashTable table) {
        this.heap = table.heap;
        this.layout = table.layout;
        this.checked = table.checked;
        this.keySize = table.keySize;
        this.valueSize = table.valueSize;
        this.keyInline = table.keyInline;
        this.valueInline = table.valueInline;
    }

    static long bucketOf(long slot) {
        return slot & ~7L;
    }

    static int indexOf(long slot) {
        return (int) (slot & 7);
    }

    /** @return the region offset of the slot's encoded value */
    public long valueOffset(int seg, long slot) {
        MemorySegment m = heap.mem();
        long b = bucketOf(slot);
        int i = indexOf(slot);
        if (valueInline) {
            return layout.valueAt(b, i);
        }
        long ref = checked.entryOf(m, seg, b, i);
        return ref + EntryLayout.DATA + Integer.toUnsignedLong(m.get(INT, ref + EntryLayout.KEY_LENGTH));
    }

    public long valueLength(int seg, long slot) {
        if (valueInline) {
            return valueSize;
        }
        MemorySegment m = heap.mem();
        long ref = checked.entryOf(m, seg, bucketOf(slot), indexOf(slot));
        return Integer.toUnsignedLong(m.get(INT, ref + EntryLayout.VALUE_LENGTH));
    }

    public long keyOffset(int seg, long slot) {
        if (keyInline) {
            return layout.keyAt(bucketOf(slot), indexOf(slot));
        }
        return checked.entryOf(heap.mem(), seg, bucketOf(slot), indexOf(slot)) + EntryLayout.DATA;
    }

    public long keyLength(int seg, long slot) {
        if (keyInline) {
            return keySize;
        }
        MemorySegment m = heap.mem();
        long ref = checked.entryOf(m, seg, bucketOf(slot), indexOf(slot));
        return Integer.toUnsignedLong(m.get(INT, ref + EntryLayout.KEY_LENGTH));
    }

    /** @return the entry the slot refers to, or 0 when both key and value are inline */
    public long entryOf(int seg, long slot) {
        if (keyInline && valueInline) {
            return 0;
        }
        return checked.entryOf(heap.mem(), seg, bucketOf(slot), indexOf(slot));
    }

    /** @return the hash of the key in {@code slot} */
    public long hashOf(int seg, long slot) {
        return checked.hashAt(heap.mem(), seg, -1, bucketOf(slot), indexOf(slot));
    }

    /** @return whether the slot's deadline has passed at {@code now} (epoch millis) */
    public boolean expired(long slot, long now) {
        if (!layout.hasDeadlines) {
            return false;
        }
        long deadline = heap.mem().get(LONG, layout.deadlineAt(bucketOf(slot), indexOf(slot)));
        return deadline != 0 && deadline <= now;
    }

    /** @return the slot's access frequency, 0 to {@link BucketLayout#MAX_FREQUENCY} */
    public int frequency(long slot) {
        return heap.mem().get(BYTE, layout.metaAt(bucketOf(slot), indexOf(slot))) & BucketLayout.MAX_FREQUENCY;
    }

    public void frequency(long slot, int value) {
        heap.mem().set(BYTE, layout.metaAt(bucketOf(slot), indexOf(slot)), (byte) value);
    }

    /**
     * Counts an access, as S3-FIFO does. Lock-free readers call this too: a plain byte store into a
     * bucket they may be racing a writer on, so an increment can be lost, which only makes the
     * frequency an estimate, as it is anyway.
     */
    public void touch(long slot) {
        MemorySegment m = heap.mem();
        long at = layout.metaAt(bucketOf(slot), indexOf(slot));
        int f = m.get(BYTE, at) & BucketLayout.MAX_FREQUENCY;
        if (f < BucketLayout.MAX_FREQUENCY) {
            m.set(BYTE, at, (byte) (f + 1));
        }
    }

    /**
     * Copies the value of the 8-byte key at {@code keyOffset}, found by {@link HashTable#findInlineLong},
     * into {@code out}, checking every offset and length against {@code m} whatever OFFSET_CHECK says,
     * and throwing nothing: a value reference that fails its check, or a value longer than {@code out},
     * is left to the general read (which tells which it was).
     *
     * @return the value's length, or {@link HashTable#SLOW}
     */
    public long copyValue(MemorySegment m, long keyOffset, MemorySegment out) {
        long from;
        long length;
        if (valueInline) {
            from = BucketLayout.valueOfLongKey(keyOffset);
            length = valueSize;
        } else {
            long ref = m.get(LONG_UNALIGNED, BucketLayout.valueOfLongKey(keyOffset));
            if (!heap.isBlock(m, ref, BlockHeader.ENTRY)) {
                return HashTable.SLOW;
            }
            long keyLength = Integer.toUnsignedLong(m.get(INT, ref + EntryLayout.KEY_LENGTH));
            length = Integer.toUnsignedLong(m.get(INT, ref + EntryLayout.VALUE_LENGTH));
            if (EntryLayout.DATA + keyLength + length > heap.capacity(ref)) {
                return HashTable.SLOW;
            }
            from = ref + EntryLayout.DATA + keyLength;
        }
        if (length > out.byteSize() || from + length > m.byteSize()) {
            return HashTable.SLOW;
        }
        MemorySegment.copy(m, from, out, 0, length);
        return length;
    }
}

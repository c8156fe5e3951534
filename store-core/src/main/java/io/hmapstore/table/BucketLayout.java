package io.hmapstore.table;

/**
 * Descriptor of a bucket (Go's {@code bmap}) for one store's key and value slot sizes. All keys sit
 * together, then all values, so slots need no padding between them.
 *
 * <pre>
 *   0          8                      8+8*ks                 overflowOffset
 *   +----------+----------------------+----------------------+--------------+
 *   |tophash[8]| keys[8] (ks bytes)   | values[8] (vs bytes) | overflow u64 |
 *   +----------+----------------------+----------------------+--------------+
 * </pre>
 *
 * <p>A key slot holds the key's bytes when its codec is fixed-size, else an 8-byte entry offset. A
 * value slot holds the value's bytes when fixed-size; when the value is variable-size it lives in the
 * entry: the key's entry when the key is variable too (no value slot then), otherwise an entry the
 * value slot points to.
 *
 * <p>Tophash values are Go's: {@link #EMPTY_REST} (this and every later slot of the chain is
 * empty), {@link #EMPTY_ONE}, {@link #EVACUATED_X}, {@link #EVACUATED_Y}, {@link #EVACUATED_EMPTY},
 * and from {@link #MIN_TOPHASH} the hash's top byte. Publication rule: a slot's key and value are
 * written first and its tophash last, so a tophash that names a hash always names a complete slot.
 * The overflow offset is 0 for none.
 */
final class BucketLayout {
    static final int SLOTS = 8;
    static final long TOPHASH = 0;

    static final int EMPTY_REST = 0;
    static final int EMPTY_ONE = 1;
    static final int EVACUATED_X = 2;
    static final int EVACUATED_Y = 3;
    static final int EVACUATED_EMPTY = 4;
    static final int MIN_TOPHASH = 5;

    final int keySlot;
    final int valueSlot;
    final long keys;
    final long values;
    final long overflow;
    final long size;

    BucketLayout(int keySlot, int valueSlot) {
        this.keySlot = keySlot;
        this.valueSlot = valueSlot;
        this.keys = TOPHASH + SLOTS;
        this.values = keys + (long) SLOTS * keySlot;
        this.overflow = align8(values + (long) SLOTS * valueSlot);
        this.size = overflow + Long.BYTES;
    }

    long keyAt(long bucket, int slot) {
        return bucket + keys + (long) slot * keySlot;
    }

    long valueAt(long bucket, int slot) {
        return bucket + values + (long) slot * valueSlot;
    }

    static boolean isEmpty(int tophash) {
        return tophash <= EMPTY_ONE;
    }

    static boolean isEvacuated(int tophash) {
        return tophash > EMPTY_ONE && tophash < MIN_TOPHASH;
    }

    static int tophash(long hash) {
        int top = (int) (hash >>> 56);
        return top < MIN_TOPHASH ? top + MIN_TOPHASH : top;
    }

    private static long align8(long n) {
        return (n + 7) & ~7L;
    }
}

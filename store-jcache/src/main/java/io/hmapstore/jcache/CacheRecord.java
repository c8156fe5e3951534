package io.hmapstore.jcache;

import io.hmapstore.Codec;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The bytes a cache stores as an entry's value: its expiry time, then the value as its codec
 * encoded it. This class is the one place that knows the layout; everything else asks it.
 *
 * <pre>
 *   0        8                              length
 *   +--------+------------------------------+
 *   | expiry | value, encoded by the codec  |
 *   +--------+------------------------------+
 *   EXPIRY     VALUE .. record.length
 * </pre>
 *
 * <p>{@code expiry} is the wall-clock millisecond at and after which the entry is expired, little
 * endian, {@link #NEVER} for an eternal entry. The value fills the rest of the record, so its length
 * is the record's less {@link #VALUE}. A fixed-size value codec therefore makes the record fixed-size
 * too ({@link #fixedSize}), which keeps fixed-size keys and values inline in the store's bucket slots.
 *
 * <p>Records are built with room for the header left in front ({@link CacheCodecs#record}) and get
 * their expiry set just before they are stored ({@link #withExpiry}), so a value is encoded once.
 */
final class CacheRecord {
    /** Offset of the expiry time. */
    static final int EXPIRY = 0;
    /** Offset of the encoded value; also the bytes in front of it. */
    static final int VALUE = EXPIRY + Long.BYTES;
    /** The expiry time of an entry that never expires. */
    static final long NEVER = Long.MAX_VALUE;

    private static final VarHandle LONG =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private CacheRecord() {
    }

    /**
     * @param valueSize the value codec's fixed size, or {@link Codec#VARIABLE_SIZE}
     * @return the record's size for that codec, or {@code VARIABLE_SIZE}
     */
    static int fixedSize(int valueSize) {
        return valueSize == Codec.VARIABLE_SIZE ? Codec.VARIABLE_SIZE : VALUE + valueSize;
    }

    /** @return the millisecond at which the record's entry expires */
    static long expiresAt(byte[] record) {
        return (long) LONG.get(record, EXPIRY);
    }

    /** Sets the record's expiry time. @return the record */
    static byte[] withExpiry(byte[] record, long at) {
        LONG.set(record, EXPIRY, at);
        return record;
    }

    /** @return the encoded value's length in the record */
    static int valueLength(byte[] record) {
        return record.length - VALUE;
    }

    /** @return whether an entry expiring at {@code at} is expired at {@code now} (expiry is inclusive) */
    static boolean expired(long at, long now) {
        return at <= now;
    }

    /** @return whether the record's entry is expired at {@code now} */
    static boolean expired(byte[] record, long now) {
        return expired(expiresAt(record), now);
    }

    /** @return whether two records hold the same value bytes, their expiry times aside */
    static boolean sameValue(byte[] a, byte[] b) {
        return Arrays.equals(a, VALUE, a.length, b, VALUE, b.length);
    }
}

package io.hmapstore.chronicle;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.openhft.chronicle.bytes.BytesIn;
import net.openhft.chronicle.bytes.BytesMarshallable;
import net.openhft.chronicle.bytes.BytesOut;

/** Eight longs, 64 bytes: large enough that a byte[] copy of it shows in allocation counts. */
final class Vec8 implements BytesMarshallable {
    static final int SIZE = 64;

    final long[] v = new long[8];

    @Override
    public void readMarshallable(BytesIn<?> in) {
        for (int i = 0; i < v.length; i++) {
            v[i] = in.readLong();
        }
    }

    @Override
    public void writeMarshallable(BytesOut<?> out) {
        for (long x : v) {
            out.writeLong(x);
        }
    }

    /** What a byte[]-based codec does: read its fields from a copy. */
    void readFrom(byte[] copy) {
        ByteBuffer b = ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < v.length; i++) {
            v[i] = b.getLong();
        }
    }
}

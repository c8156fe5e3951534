package io.hmapstore.bench.subjects;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

/** The 100-byte values every subject stores, and the stamp in their first 8 bytes. */
final class Payloads {

    private static final VarHandle LONG_AT = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private Payloads() {
    }

    /** @return {@code bytes} random bytes, the same on every call */
    static byte[] payload(int bytes) {
        byte[] p = new byte[bytes];
        new SplittableRandom(7).nextBytes(p);
        return p;
    }

    /** @return the first 8 bytes of {@code value} as a native-order long */
    static long stamp(byte[] value) {
        return (long) LONG_AT.get(value, 0);
    }

    /** Writes {@code stamp} into the first 8 bytes of {@code value}. */
    static void stamp(byte[] value, long stamp) {
        LONG_AT.set(value, 0, stamp);
    }
}

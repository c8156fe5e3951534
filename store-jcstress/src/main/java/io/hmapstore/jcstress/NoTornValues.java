package io.hmapstore.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.hmapstore.OffHeapMap;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * A value written as two equal halves is never read with unequal halves while another thread
 * overwrites it, and a reader never sees the key go back to an older value (the stores happen in
 * order 0, 1, 2). Each half is {@code n} times a pattern with every byte set, so a tear between the
 * halves and a tear inside one half both show up: the result reports {@code n} for each half of each
 * read, or -1 for a half that is no whole multiple of the pattern.
 */
public final class NoTornValues {
    private static final long KEY = 7L;

    private NoTornValues() {
    }

    /** The halves' code: {@code n} for {@code n * pattern} with {@code n} in 0..2, else -1. */
    static int code(long half, long pattern) {
        for (int n = 0; n <= 2; n++) {
            if (half == n * pattern) {
                return n;
            }
        }
        return -1;
    }

    /**
     * A 16-byte {@code Codecs.bytes()} value in the entry heap: an update writes a new entry, swings
     * the slot to it and retires the old one, which epochs keep from reuse while a reader may see it.
     * One write goes through {@code put(K, V)}, one through the zero-allocation
     * {@code put(MemorySegment, MemorySegment)}; one read through {@code get(Object)}, one through
     * {@code get(MemorySegment, MemorySegment)}.
     */
    @JCStressTest
    @Description("16-byte values of two equal 8-byte halves are never read torn or out of order")
    @Outcome(id = {"0, 0, 0, 0", "0, 0, 1, 1", "0, 0, 2, 2", "1, 1, 1, 1", "1, 1, 2, 2", "2, 2, 2, 2"},
            expect = ACCEPTABLE, desc = "each read saw a whole value, the second no older than the first")
    @Outcome(expect = FORBIDDEN, desc = "a torn value, or a read older than the one before it")
    @State
    public static class Bytes {
        private static final long PATTERN = 0x0101_0101_0101_0101L;
        private static final ValueLayout.OfLong HALF = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private static final byte[] ONE = value(1);
        private static final MemorySegment TWO = MemorySegment.ofArray(value(2));

        final OffHeapMap<Long, byte[]> store = Stores.bytes();
        private final MemorySegment key = MemorySegment.ofArray(new long[] {KEY});
        private final MemorySegment out = MemorySegment.ofArray(new long[2]);

        public Bytes() {
            store.put(KEY, value(0));
        }

        static byte[] value(int n) {
            byte[] v = new byte[16];
            MemorySegment s = MemorySegment.ofArray(v);
            s.set(HALF, 0, n * PATTERN);
            s.set(HALF, 8, n * PATTERN);
            return v;
        }

        @Actor
        public void writer() {
            store.put(KEY, ONE);
            store.put(key, TWO);
        }

        @Actor
        public void reader(IIII_Result r) {
            MemorySegment first = MemorySegment.ofArray(store.get(KEY));
            r.r1 = code(first.get(HALF, 0), PATTERN);
            r.r2 = code(first.get(HALF, 8), PATTERN);
            if (!store.get(key, out)) {
                r.r3 = -2;
                r.r4 = -2;
                return;
            }
            r.r3 = code(out.get(HALF, 0), PATTERN);
            r.r4 = code(out.get(HALF, 8), PATTERN);
        }

        @Arbiter
        public void close(IIII_Result r) {
            store.close();
        }
    }

    /**
     * A {@code longs()} value {@code (x << 32) | x}, updated in place in its bucket slot; read once
     * through {@code getLong} and once through {@code get(Object)}.
     */
    @JCStressTest
    @Description("long values (x << 32) | x are never read torn or out of order")
    @Outcome(id = {"0, 0, 0, 0", "0, 0, 1, 1", "0, 0, 2, 2", "1, 1, 1, 1", "1, 1, 2, 2", "2, 2, 2, 2"},
            expect = ACCEPTABLE, desc = "each read saw a whole value, the second no older than the first")
    @Outcome(expect = FORBIDDEN, desc = "a torn value, or a read older than the one before it")
    @State
    public static class Longs {
        private static final long PATTERN = 0x0101_0101L;

        final OffHeapMap<Long, Long> store = Stores.longs();

        public Longs() {
            store.putLong(KEY, value(0));
        }

        static long value(int n) {
            long x = n * PATTERN;
            return (x << 32) | x;
        }

        @Actor
        public void writer() {
            store.putLong(KEY, value(1));
            store.put(KEY, value(2));
        }

        @Actor
        public void reader(IIII_Result r) {
            long first = store.getLong(KEY, -1);
            r.r1 = code(first >>> 32, PATTERN);
            r.r2 = code(first & 0xFFFF_FFFFL, PATTERN);
            long second = store.get(KEY);
            r.r3 = code(second >>> 32, PATTERN);
            r.r4 = code(second & 0xFFFF_FFFFL, PATTERN);
        }

        @Arbiter
        public void close(IIII_Result r) {
            store.close();
        }
    }
}

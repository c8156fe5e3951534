package io.hmapstore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Codecs#bytes(int)}: fixed-size arrays stored inline in the buckets. Checked against a
 * {@code HashMap} oracle through growth and removal, read both through the {@code Map} API and by copy
 * into a caller's segment (the zero-allocation path); arrays of another length, and segments too small
 * for the value, are refused without losing anything.
 */
class FixedBytesCodecTest {

    private static final int SIZE = 100;

    static Iterable<StoreFactory> factories() {
        return StoreFactory.modes();
    }

    @ParameterizedTest
    @MethodSource("factories")
    void fixedBytes_agreeWithOracle_throughGrowthAndRemoval(StoreFactory factory) {
        SplittableRandom random = new SplittableRandom(11);
        Map<Long, byte[]> oracle = new HashMap<>();
        try (OffHeapMap<Long, byte[]> map = factory.builder(Codecs.longs(), Codecs.bytes(SIZE)).open()) {
            MemorySegment key = MemorySegment.ofArray(new long[1]);
            MemorySegment out = MemorySegment.ofArray(new byte[SIZE]);
            for (int op = 0; op < 30_000; op++) {
                long k = random.nextLong(8_000);
                if (random.nextInt(4) > 0) {
                    byte[] v = new byte[SIZE];
                    random.nextBytes(v);
                    map.put(k, v);
                    oracle.put(k, v);
                } else {
                    map.remove(k);
                    oracle.remove(k);
                }
                long probe = random.nextLong(8_000);
                key.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, probe);
                byte[] expected = oracle.get(probe);
                assertEquals(expected != null, map.get(key, out), "presence of " + probe);
                if (expected != null) {
                    assertArrayEquals(expected, out.toArray(ValueLayout.JAVA_BYTE), "copied value of " + probe);
                }
            }
            assertEquals(oracle.size(), map.size());
            for (Map.Entry<Long, byte[]> e : oracle.entrySet()) {
                assertArrayEquals(e.getValue(), map.get(e.getKey()), "value of " + e.getKey());
            }
            assertTrue(map.stats().growths() > 0, "the run grew the table");
        }
    }

    @Test
    void anArrayOfAnotherLength_isRefused_andTheOldValueStays() {
        try (OffHeapMap<Long, byte[]> map = OffHeapMap.of(Codecs.longs(), Codecs.bytes(SIZE)).open()) {
            byte[] v = new byte[SIZE];
            v[0] = 42;
            map.put(1L, v);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> map.put(1L, new byte[SIZE - 1]));
            assertTrue(e.getMessage().contains("bytes[100]") && e.getMessage().contains("100") && e.getMessage().contains("99"),
                    e.getMessage());
            assertArrayEquals(v, map.get(1L));
            assertFalse(map.containsKey(2L));
            assertThrows(IllegalArgumentException.class, () -> map.put(2L, new byte[SIZE + 1]));
            assertFalse(map.containsKey(2L), "a refused put stores nothing");
            assertEquals(1, map.size());
        }
    }

    @Test
    void aSegmentTooSmallForTheValue_isRefused() {
        try (OffHeapMap<Long, byte[]> map = OffHeapMap.of(Codecs.longs(), Codecs.bytes(SIZE)).open()) {
            map.put(5L, new byte[SIZE]);
            MemorySegment key = MemorySegment.ofArray(new long[] {5L});
            IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                    () -> map.get(key, MemorySegment.ofArray(new byte[SIZE - 10])));
            assertTrue(e.getMessage().contains("90") && e.getMessage().contains("100"), e.getMessage());
            assertEquals(1, map.size());
        }
    }

    @Test
    void aSizeBelowOne_isRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Codecs.bytes(0));
        assertTrue(e.getMessage().contains("was 0"), e.getMessage());
    }
}

package io.hmapstore.bench.subjects;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.ValueLayout;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The bare table against a {@code HashMap} oracle: random puts, gets and removes, every answer compared. */
class BareBucketStoreTest {

    /**
     * @param expected the entries the bucket array is sized for
     * @param universe distinct keys drawn from (also the capacity)
     * @param ops operations
     */
    @ParameterizedTest(name = "{0} expected, {1} keys, {3}")
    @CsvSource({
        "8, 300, 200000, LONG",         // one bucket: a single chain of ~40 overflow buckets
        "8, 300, 200000, BYTES100",
        "64, 2000, 200000, LONG",       // 16 buckets at 8 times the planned load: long chains everywhere
        "64, 2000, 200000, BYTES100",
        "20000, 20000, 400000, LONG",   // as the benchmarks size it: bucket array for the entries
        "20000, 20000, 200000, BYTES100",
    })
    void randomOperations_matchAHashMap(int expected, int universe, int ops, ValueKind kind) {
        SplittableRandom random = new SplittableRandom(expected * 31L + universe);
        long[] keys = new long[universe];
        for (int i = 0; i < universe; i++) {
            keys[i] = i < 3 ? new long[] {0, -1, Long.MIN_VALUE}[i] : random.nextLong();
        }
        Map<Long, Long> oracle = new HashMap<>();
        try (BareBucketStore store = new BareBucketStore(kind, expected, universe, random.nextLong());
                Handle h = store.handle()) {
            for (int n = 0; n < ops; n++) {
                long k = keys[random.nextInt(universe)];
                int op = random.nextInt(100);
                if (op < 45) {
                    long v = random.nextLong(Long.MIN_VALUE + 1, Long.MAX_VALUE);
                    h.put(k, null, v);
                    oracle.put(k, v);
                } else if (op < 75) {
                    assertEquals(oracle.remove(k) != null, h.remove(k, null), () -> "remove " + k);
                } else {
                    assertEquals(oracle.getOrDefault(k, Handle.ABSENT), h.get(k, null), () -> "get " + k);
                }
                assertEquals(oracle.size(), store.size());
                if (n % 10_000 == 0) {
                    for (long key : keys) {
                        assertEquals(oracle.getOrDefault(key, Handle.ABSENT), h.get(key, null), () -> "get " + key);
                    }
                }
            }
            for (long key : keys) {
                assertEquals(oracle.getOrDefault(key, Handle.ABSENT), h.get(key, null), () -> "get " + key);
            }
            // Emptied, the table answers absent for everything, and fills again.
            for (long key : keys) {
                assertEquals(oracle.remove(key) != null, h.remove(key, null));
            }
            assertEquals(0, store.size());
            for (long key : keys) {
                assertEquals(Handle.ABSENT, h.get(key, null));
                h.put(key, null, ~key);
            }
            for (long key : keys) {
                assertEquals(~key, h.get(key, null));
            }
        }
    }

    @Test
    void bytes100_copiesAllHundredBytesInAndOut() {
        try (BareBucketStore store = new BareBucketStore(ValueKind.BYTES100, 100, 100, 1)) {
            Handle h = store.handle();
            h.put(42, null, 7);
            assertEquals(7, h.get(42, null));
            // The slot holds the key, then the payload every subject stores with the stamp in its first 8 bytes.
            byte[] payload = Payloads.payload(100);
            Payloads.stamp(payload, 7);
            long slot = store.find(42);
            assertTrue(slot >= 0);
            assertEquals(42, store.memory().get(ValueLayout.JAVA_LONG_UNALIGNED, slot));
            assertArrayEquals(payload, store.memory().asSlice(slot + Long.BYTES, 100).toArray(ValueLayout.JAVA_BYTE));
            h.put(42, null, 8);
            assertEquals(8, h.get(42, null));
            h.close();
        }
    }

    @Test
    void sizing_followsGosLoadFactor() {
        assertEquals(0, BareBucketStore.log2Buckets(8));
        assertEquals(1, BareBucketStore.log2Buckets(9));
        assertEquals(1, BareBucketStore.log2Buckets(13));
        assertEquals(2, BareBucketStore.log2Buckets(14));
        assertEquals(18, BareBucketStore.log2Buckets(1_000_000)); // 6.5 * 2^17 = 851,968 < 1M <= 6.5 * 2^18
    }

    @Test
    void fullOverflowArea_throwsInsteadOfGrowing() {
        // 8 entries: one bucket; its overflow area holds capacity / 8 + 1 = 2 buckets, so 24 entries in all.
        try (BareBucketStore store = new BareBucketStore(ValueKind.LONG, 8, 8, 3); Handle h = store.handle()) {
            for (long k = 0; k < 24; k++) {
                h.put(k, null, k);
            }
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> h.put(24, null, 24));
            assertTrue(e.getMessage().contains("full"), e::getMessage);
            for (long k = 0; k < 24; k++) {
                assertEquals(k, h.get(k, null));
            }
        }
    }

    @Test
    void oneHandleAtATime() {
        try (BareBucketStore store = new BareBucketStore(ValueKind.LONG, 100, 100, 3)) {
            Handle h = store.handle();
            assertThrows(IllegalStateException.class, store::handle);
            h.put(1, null, 2);
            h.close();
            try (Handle again = store.handle()) {
                assertEquals(2, again.get(1, null));
            }
        }
    }

    @Test
    void overflowArea_isAboutTwiceTheExpectedOverflow() {
        // 1M entries in 2^18 buckets (load 3.8): P(X > 8) = 1.35 %, ~3,500 overflow buckets expected.
        long reserved = BareBucketStore.overflowBuckets(18, 1_000_000, 1_000_000);
        assertTrue(reserved > 6_000 && reserved < 9_000, () -> "reserved " + reserved);
        // Room beyond the expected entries: an eighth of them in buckets.
        assertEquals(reserved + 1_000_000, BareBucketStore.overflowBuckets(18, 1_000_000, 9_000_000));
        // Never more than capacity / 8 + 1.
        assertEquals(2, BareBucketStore.overflowBuckets(0, 8, 8));
    }

    /** The copy of hmapstore's hash is the same function, as long as the original is where it was. */
    @Test
    void hash_isHmapstoresHash() throws Exception {
        Method ofLong;
        try {
            ofLong = Class.forName("io.hmapstore.table.Hashing").getDeclaredMethod("ofLong", long.class, long.class);
            ofLong.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            assumeTrue(false, "io.hmapstore.table.Hashing.ofLong(long, long) not found: " + e);
            return;
        }
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 1_000; i++) {
            long key = random.nextLong();
            long seed = random.nextLong();
            assertEquals((long) ofLong.invoke(null, key, seed), BareBucketStore.hash(key, seed));
        }
    }
}

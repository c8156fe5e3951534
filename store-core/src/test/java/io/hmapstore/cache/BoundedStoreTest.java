package io.hmapstore.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hmapstore.Codec;
import io.hmapstore.Codecs;
import io.hmapstore.Concurrency;
import io.hmapstore.MemoryBudget;
import io.hmapstore.OffHeapMap;
import io.hmapstore.memory.ReleasePolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongFunction;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A store bounded by {@code maxBytes} is a cache: written far past its bound it evicts, never fails,
 * never maps more than the bound, and keeps what was written last. Every shape a user reported failing
 * (issue 10) runs over anonymous and file-backed stores in both concurrency modes; a seeded property
 * test draws bounds from the minimum to 256 MiB and values of random sizes ({@code -Dbound.seed=N}
 * replays one seed).
 */
class BoundedStoreTest {
    private static final long MIB = 1L << 20;
    /** How often, in puts, the mapped bytes are checked against the bound while a store is written. */
    private static final int CHECK_EVERY = 512;

    /** One reported shape: codecs, key and value streams, the bound and a sizing hint. */
    private record Shape<K, V>(String name, Codec<K> keys, Codec<V> values, LongFunction<K> key,
            LongFunction<V> value, long maxBytes, long expectedEntries) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** The k-th random key: a bijection of k, so keys never repeat and look random to the hash. */
    private static long randomKey(long k) {
        return (k + 1) * 0x9E3779B97F4A7C15L;
    }

    static Stream<Shape<?, ?>> shapes() {
        List<Shape<?, ?>> shapes = new ArrayList<>();
        for (long mib : new long[] {2, 8, 16, 48}) {
            shapes.add(new Shape<>("long->String, sequential keys, " + mib + " MiB", Codecs.longs(), Codecs.utf8(),
                    k -> k, k -> "value number " + k, mib * MIB, 0));
        }
        for (long mib : new long[] {16, 64}) {
            shapes.add(new Shape<>("random long->100 B, " + mib + " MiB", Codecs.longs(), Codecs.bytes(),
                    BoundedStoreTest::randomKey, k -> value(k, 100), mib * MIB, 0));
        }
        shapes.add(new Shape<>("long->long, 16 MiB", Codecs.longs(), Codecs.longs(), BoundedStoreTest::randomKey,
                k -> k, 16 * MIB, 0));
        shapes.add(new Shape<>("long->String, expectedEntries 1M, 64 MiB", Codecs.longs(), Codecs.utf8(), k -> k,
                k -> "value number " + k, 64 * MIB, 1_000_000));
        return shapes.stream();
    }

    static Stream<Arguments> shapesOverBackings() {
        return shapes().flatMap(shape -> Stream.of(Concurrency.values())
                .flatMap(mode -> Stream.of(false, true).map(file -> Arguments.of(shape, mode, file))));
    }

    @ParameterizedTest(name = "{0}, {1}, file={2}")
    @MethodSource("shapesOverBackings")
    <K, V> void tenTimesTheCapacity_evicts_neverFails_neverMapsPastTheBound(Shape<K, V> shape, Concurrency mode,
            boolean fileBacked, @TempDir Path dir) {
        try (OffHeapMap<K, V> cache = open(shape, mode, fileBacked, dir)) {
            long capacity = 0;
            long k = 0;
            for (; capacity == 0 || k < 10 * capacity; k++) {
                cache.put(shape.key().apply(k), shape.value().apply(k));
                if (capacity == 0 && cache.cacheStats().evictions() > 0) {
                    capacity = k;
                }
                if (k % CHECK_EVERY == 0) {
                    assertWithinBound(cache, shape.maxBytes(), k);
                }
                assertTrue(k < 50_000_000, "no eviction after " + k + " puts into " + shape);
            }
            assertWithinBound(cache, shape.maxBytes(), k);
            assertEquals(shape.maxBytes(), cache.stats().budget().maxBytes());
            assertTrue(cache.stats().mappedBytes() <= shape.maxBytes());
            for (long recent = k - 100; recent < k; recent++) {
                assertEquals(normalized(shape.value().apply(recent)), normalized(cache.get(shape.key().apply(recent))),
                        "recent key " + recent + " of " + k);
            }
            assertTrue(cache.size() > capacity / 4, "the bound still holds most of its capacity: " + cache.size()
                    + " entries, " + capacity + " before the first eviction");
            assertTrue(cache.verify().isClean(), () -> cache.verify().toString());
        }
    }

    /**
     * Bounds drawn log-uniformly from the minimum to 256 MiB (or what a million values of half the drawn
     * maximum fill, if less), values of 0 to a drawn maximum bytes (up to 40 KB, past the small-block
     * classes), written until the store has evicted twice its size.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomBoundsAndValueSizes_evict_neverFail(long seed, @TempDir Path dir) {
        SplittableRandom random = new SplittableRandom(seed);
        Concurrency mode = Concurrency.values()[random.nextInt(2)];
        boolean fileBacked = random.nextBoolean();
        int[] maxValues = {16, 200, 2_000, 40_000};
        int maxValue = maxValues[random.nextInt(maxValues.length)];
        long minimum = minimumFor(mode, dir);
        // At most what a million entries of half the largest value fill (some 56 MiB for 16-byte values),
        // so no seed writes tens of millions of puts: one such seed took ten minutes on a busy machine.
        long largestBound = Math.min(256 * MIB, Math.max(minimum, 1_000_000L * (maxValue / 2 + 48)));
        long bound = (long) (minimum * Math.pow((double) largestBound / minimum, random.nextDouble()));
        String what = "seed " + seed + ": " + mode + (fileBacked ? " file" : " anonymous") + ", bound " + bound
                + ", values up to " + maxValue + " B";
        OffHeapMap.Builder<Long, byte[]> b = OffHeapMap.of(Codecs.longs(), Codecs.bytes()).maxBytes(bound)
                .concurrency(mode);
        try (OffHeapMap<Long, byte[]> cache = (fileBacked ? b.persistTo(dir.resolve("bounded.hmap")) : b).open()) {
            long largest = cache.stats().budget().maxEntryBytes() - 64;
            long k = 0;
            while (cache.cacheStats().evictions() < 2 * Math.max(cache.size(), 1000)) {
                int length = (int) Math.min(random.nextInt(maxValue + 1), largest);
                cache.put(k, value(k, length));
                if (k % CHECK_EVERY == 0) {
                    assertWithinBound(cache, bound, k);
                }
                k++;
                assertTrue(k < 30_000_000, what + ": no eviction after " + k + " puts");
            }
            assertWithinBound(cache, bound, k);
            assertNotNull(cache.get(k - 1), what + ": the last key");
            assertTrue(cache.verify().isClean(), what + ": " + cache.verify());
        }
    }

    static LongStream seeds() {
        String replay = System.getProperty("bound.seed");
        if (replay != null) {
            return LongStream.of(Long.parseLong(replay));
        }
        return LongStream.concat(LongStream.rangeClosed(1, 8), new SplittableRandom().longs(2, 1, Long.MAX_VALUE));
    }

    @ParameterizedTest
    @EnumSource(Concurrency.class)
    void aBoundBelowTheMinimum_isRefusedAtOpen_namingIt_andTheMinimumWorks(Concurrency mode) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OffHeapMap.of(Codecs.longs(), Codecs.utf8()).maxBytes(64 * 1024).concurrency(mode).open());
        assertTrue(e.getMessage().contains("maxBytes 65536") && e.getMessage().contains("the minimum is "),
                e.getMessage());
        long minimum = Long.parseLong(e.getMessage().replaceAll(".*the minimum is (\\d+) bytes.*", "$1"));
        try (OffHeapMap<Long, String> cache = OffHeapMap.of(Codecs.longs(), Codecs.utf8()).maxBytes(minimum)
                .concurrency(mode).open()) {
            for (long k = 0; k < 100_000; k++) {
                cache.put(k, "value number " + k);
                assertWithinBound(cache, minimum, k);
            }
            assertEquals("value number 99999", cache.get(99_999L));
            assertTrue(cache.cacheStats().evictions() > 0);
        }
        assertThrows(IllegalArgumentException.class, () -> OffHeapMap.of(Codecs.longs(), Codecs.utf8()).maxBytes(0));
    }

    @Test
    void oneMebibyte_isEnough_forAConcurrentStore() {
        try (OffHeapMap<Long, String> cache = OffHeapMap.of(Codecs.longs(), Codecs.utf8()).maxBytes(MIB).open()) {
            for (long k = 0; k < 200_000; k++) {
                cache.put(k, "value number " + k);
            }
            assertWithinBound(cache, MIB, 200_000);
            assertEquals("value number 199999", cache.get(199_999L));
        }
    }

    @ParameterizedTest
    @EnumSource(Concurrency.class)
    void theBudget_addsUpToTheBound_andTrimsExpectedEntries(Concurrency mode) {
        try (OffHeapMap<Long, String> cache = OffHeapMap.of(Codecs.longs(), Codecs.utf8()).maxBytes(16 * MIB)
                .expectedEntries(10_000_000).concurrency(mode).open()) {
            MemoryBudget budget = cache.stats().budget();
            assertEquals(16 * MIB, budget.headerBytes() + budget.reserveBytes() + budget.tableBytes()
                    + budget.entryBytes());
            assertEquals(10_000_000, budget.expectedEntriesAsked());
            assertTrue(budget.expectedEntriesTrimmed(), budget.toString());
            assertTrue(budget.expectedEntriesPlanned() < 1_000_000, budget.toString());
            // Sized for what was planned, not what was asked: the table starts within its share.
            assertTrue(cache.stats().mappedBytes() <= 16 * MIB);
            for (long k = 0; k < 2_000_000; k++) {
                cache.put(k, "v" + k);
            }
            int largest = 0;
            for (int log2 : cache.stats().bucketsLog2()) {
                largest = Math.max(largest, log2);
            }
            assertTrue(largest <= budget.maxBucketsLog2(), "B " + largest + " past the plan's " + budget);
        }
        try (OffHeapMap<Long, String> plain = OffHeapMap.of(Codecs.longs(), Codecs.utf8()).open()) {
            assertEquals(MemoryBudget.NONE, plain.stats().budget());
        }
    }

    @ParameterizedTest
    @EnumSource(Concurrency.class)
    void aValueLargerThanTheBound_isRefused_evictingNothing(Concurrency mode) {
        try (OffHeapMap<Long, byte[]> cache = OffHeapMap.of(Codecs.longs(), Codecs.bytes()).maxBytes(4 * MIB)
                .concurrency(mode).open()) {
            for (long k = 0; k < 50_000; k++) {
                cache.put(k, value(k, 100));
            }
            int size = cache.size();
            long evictions = cache.cacheStats().evictions();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> cache.put(-1L, new byte[(int) (5 * MIB)]));
            assertTrue(e.getMessage().contains(String.valueOf(5 * MIB)) && e.getMessage().contains("maxBytes"),
                    e.getMessage());
            assertEquals(size, cache.size(), "nothing evicted for a value that cannot fit");
            assertEquals(evictions, cache.cacheStats().evictions());
            assertEquals(null, cache.get(-1L));
        }
    }

    @ParameterizedTest
    @EnumSource(Concurrency.class)
    void theLargestEntryTheBudgetTakes_fitsInAFullStore_byEvicting(Concurrency mode, @TempDir Path dir) {
        for (boolean fileBacked : new boolean[] {false, true}) {
            OffHeapMap.Builder<Long, byte[]> b = OffHeapMap.of(Codecs.longs(), Codecs.bytes()).maxBytes(8 * MIB)
                    .concurrency(mode);
            try (OffHeapMap<Long, byte[]> cache = (fileBacked ? b.persistTo(dir.resolve("large.hmap")) : b).open()) {
                int largest = (int) cache.stats().budget().maxEntryBytes() - 64 - 16;
                for (long round = 0; round < 5; round++) {
                    for (long k = 0; k < 40_000; k++) {
                        cache.put(round * 1_000_000 + k, value(k, 100 + (int) (k % 300)));
                    }
                    byte[] big = value(round, largest);
                    cache.put(-round - 1, big);
                    assertWithinBound(cache, 8 * MIB, round);
                    assertTrue(java.util.Arrays.equals(big, cache.get(-round - 1)), "round " + round);
                }
                assertTrue(cache.verify().isClean(), () -> cache.verify().toString());
            }
        }
    }

    private static long minimumFor(Concurrency mode, Path dir) {
        try {
            OffHeapMap.of(Codecs.longs(), Codecs.bytes()).maxBytes(4096).concurrency(mode).open().close();
            throw new AssertionError("a 4 KiB bound opened");
        } catch (IllegalArgumentException e) {
            return Long.parseLong(e.getMessage().replaceAll(".*the minimum is (\\d+) bytes.*", "$1"));
        }
    }

    private static <K, V> OffHeapMap<K, V> open(Shape<K, V> shape, Concurrency mode, boolean fileBacked, Path dir) {
        OffHeapMap.Builder<K, V> b = OffHeapMap.of(shape.keys(), shape.values()).maxBytes(shape.maxBytes())
                .concurrency(mode);
        if (shape.expectedEntries() > 0) {
            b.expectedEntries(shape.expectedEntries());
        }
        if (fileBacked) {
            b.persistTo(dir.resolve("bounded.hmap")).releasePolicy(ReleasePolicy.PUNCH_HOLE);
        }
        return b.open();
    }

    private static void assertWithinBound(OffHeapMap<?, ?> cache, long bound, long afterPuts) {
        long mapped = cache.cacheStats().mappedBytes();
        assertTrue(mapped <= bound, mapped + " bytes mapped after " + afterPuts + " puts; the bound is " + bound);
    }

    private static byte[] value(long k, int length) {
        byte[] v = new byte[length];
        for (int i = 0; i < length; i++) {
            v[i] = (byte) (k + i);
        }
        return v;
    }

    /** byte[] values compared by content. */
    private static Object normalized(Object v) {
        return v instanceof byte[] bytes ? java.util.HexFormat.of().formatHex(bytes) : v;
    }
}

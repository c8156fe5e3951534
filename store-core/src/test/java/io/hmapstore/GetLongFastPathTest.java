package io.hmapstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code getLong}'s short path (and the boxed {@code get}'s, which it shares in a store of longs) searches
 * a chain of up to four buckets of a segment that is not growing and hands everything else (a growth
 * or shrink under way, a longer chain) to the general lookup. These tests
 * drive a store through all of those states and compare every {@code getLong} with a {@code HashMap}
 * oracle and with the boxed {@code get}; and, in the concurrent mode, read stable keys from one thread
 * while another grows and shrinks their segments.
 */
class GetLongFastPathTest {

    static Iterable<StoreFactory> factories() {
        return StoreFactory.modes();
    }

    /** A single-writer store forbids a reader beside a writer, so only these can run the race below. */
    static Iterable<StoreFactory> concurrentFactories() {
        return StoreFactory.modes().stream().filter(f -> f.concurrency() == Concurrency.CONCURRENT).toList();
    }

    /**
     * Random puts and removes over a key range that makes the table double, shrink and chain overflow
     * buckets (starting from one bucket a segment), with clears now and then. After every operation the
     * key it touched and a few random keys are looked up; at the end, every key of the range.
     */
    @ParameterizedTest
    @MethodSource("factories")
    void getLong_agreesWithOracle_throughGrowthShrinkAndOverflowChains(StoreFactory factory) {
        agreesWithOracle(() -> factory.builder(Codecs.longs(), Codecs.longs()));
    }

    /**
     * A single-writer store without the writer check takes no stamp, so its writer publishes the bucket
     * array the short path reads on its own: a growth it did not publish would be read through the old array.
     */
    @Test
    void getLong_agreesWithOracle_inASingleWriterStoreWithoutTheWriterCheck() {
        agreesWithOracle(() -> OffHeapMap.of(Codecs.longs(), Codecs.longs()).concurrency(Concurrency.SINGLE_WRITER)
                .withoutGuards(Guard.CONCURRENT_WRITE_CHECK));
    }

    private static void agreesWithOracle(java.util.function.Supplier<OffHeapMap.Builder<Long, Long>> builder) {
        for (long seed = 1; seed <= 4; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            Map<Long, Long> oracle = new HashMap<>();
            long overflowSeen = 0;
            long growingSeen = 0;
            try (OffHeapMap<Long, Long> map = builder.get().open()) {
                int range = 20_000;
                for (int op = 0; op < 60_000; op++) {
                    // Phases: fill (growth), drain (shrink), then mixed.
                    int phase = op / 20_000;
                    long k = random.nextLong(range);
                    boolean put = phase == 0 ? random.nextInt(10) < 9 : phase == 1 ? random.nextInt(10) < 2
                            : random.nextBoolean();
                    if (put) {
                        long v = random.nextLong();
                        map.putLong(k, v);
                        oracle.put(k, v);
                    } else {
                        map.remove(k);
                        oracle.remove(k);
                    }
                    if (op % 25_000 == 24_999) {
                        map.clear();
                        oracle.clear();
                    }
                    assertEquals(oracle.getOrDefault(k, -7L), map.getLong(k, -7L), "key " + k);
                    for (int probe = 0; probe < 3; probe++) {
                        long p = random.nextLong(range);
                        assertEquals(oracle.getOrDefault(p, -7L), map.getLong(p, -7L), "key " + p);
                        assertEquals(oracle.get(p), map.get(p), "boxed get of key " + p);
                    }
                    if (op % 500 == 0) {
                        StoreStats stats = map.stats();
                        overflowSeen += stats.overflowBuckets() > 0 ? 1 : 0;
                        growingSeen += stats.evacuations() > 0 ? 1 : 0;
                    }
                }
                for (long k = 0; k < range; k++) {
                    Long expected = oracle.get(k);
                    assertEquals(expected == null ? -7L : expected, map.getLong(k, -7L), "key " + k);
                    assertEquals(expected, map.get(k), "get agrees with getLong for key " + k);
                }
            }
            assertTrue(overflowSeen > 0, "the run chained overflow buckets");
            assertTrue(growingSeen > 0, "the run evacuated buckets");
        }
    }

    /**
     * A reader looks up keys that are present throughout, with their fixed values, while a writer adds and
     * removes other keys of the same segments so they double and shrink again and again. Every read must
     * find its key's value: never absent, never another key's value.
     */
    @ParameterizedTest
    @MethodSource("concurrentFactories")
    void getLong_neverMissesAStableKey_whileAWriterGrowsAndShrinks(StoreFactory factory) throws Exception {
        int stable = 4_096;
        try (OffHeapMap<Long, Long> map = factory.builder(Codecs.longs(), Codecs.longs()).open()) {
            for (long k = 0; k < stable; k++) {
                map.putLong(k, k * 31 + 5);
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong writes = new AtomicLong();
            Thread writer = new Thread(() -> {
                long base = 1L << 40;
                while (!stop.get()) {
                    for (long k = 0; k < 50_000; k++) {
                        map.putLong(base + k, k);
                    }
                    for (long k = 0; k < 50_000; k++) {
                        map.remove(base + k);
                    }
                    writes.addAndGet(100_000);
                }
            });
            writer.start();
            long wrong = 0;
            long reads = 0;
            try {
                long deadline = System.nanoTime() + 2_000_000_000L;
                while (System.nanoTime() < deadline || writes.get() < 200_000) {
                    for (long k = 0; k < stable; k++) {
                        wrong += map.getLong(k, -1) == k * 31 + 5 ? 0 : 1;
                        Long boxed = map.get(k);
                        wrong += boxed != null && boxed == k * 31 + 5 ? 0 : 1;
                    }
                    reads += 2 * stable;
                }
            } finally {
                stop.set(true);
                writer.join();
            }
            assertEquals(0, wrong, "wrong or missing values in " + reads + " reads during " + writes.get() + " writes");
            assertTrue(map.stats().growths() > 0 && map.stats().shrinks() > 0, "the writer grew and shrank the table");
        }
    }
}

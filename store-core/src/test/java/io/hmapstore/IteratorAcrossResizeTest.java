package io.hmapstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An iterator is weakly consistent across any resize: every key present from its start to its end is
 * returned exactly once, and no key is returned twice, while the table doubles, shrinks, or both, between
 * two {@code next()} calls. Each test also checks, through {@link OffHeapMap#stats()}, that the resize it
 * is about really happened during the iteration, so a store that never resized would not pass vacuously.
 */
class IteratorAcrossResizeTest {

    private static final int SURVIVORS = 2_000;
    private static final long OTHERS_BASE = 1L << 40;

    /** The key shapes: inline longs, and strings in the entry heap. */
    enum Keys {
        LONGS(i -> i),
        STRINGS(i -> "key-" + i);

        final LongFunction<Object> make;

        Keys(LongFunction<Object> make) {
            this.make = make;
        }

        long indexOf(Object key) {
            return key instanceof Long l ? l : Long.parseLong(((String) key).substring("key-".length()));
        }
    }

    static Stream<Arguments> stores() {
        return StoreFactory.modes().stream().flatMap(f -> Stream.of(Keys.values()).map(k -> Arguments.of(f, k)));
    }

    private static OffHeapMap<Object, Long> open(StoreFactory factory, Keys keys) {
        return keys == Keys.LONGS ? cast(factory.open(Codecs.longs(), Codecs.longs()))
                : cast(factory.open(Codecs.utf8(), Codecs.longs()));
    }

    @SuppressWarnings("unchecked")
    private static <K> OffHeapMap<Object, Long> cast(OffHeapMap<K, Long> map) {
        return (OffHeapMap<Object, Long>) map;
    }

    @ParameterizedTest
    @MethodSource("stores")
    void iterator_returnsEachSurvivorOnce_whenTableDoublesBetweenNextCalls(StoreFactory factory, Keys keys) {
        try (OffHeapMap<Object, Long> map = open(factory, keys)) {
            putRange(map, keys, 0, SURVIVORS);
            StoreStats before = map.stats();
            Map<Object, Integer> seen = new HashMap<>();
            Iterator<Object> it = map.keySet().iterator();
            long next = OTHERS_BASE;
            int calls = 0;
            while (it.hasNext()) {
                seen.merge(it.next(), 1, Integer::sum);
                // 64 new keys after each of the first 1,000 next() calls: 32x the table, doubling mid-walk
                if (calls++ < 1_000) {
                    putRange(map, keys, next, next + 64);
                    next += 64;
                }
            }
            StoreStats after = map.stats();
            assertTrue(after.growths() >= before.growths() + 3, () -> "the table did not double: " + before + " -> " + after);
            assertTrue(after.buckets() >= 8 * before.buckets(), () -> "buckets " + before.buckets() + " -> " + after.buckets());
            assertSurvivorsOnceAndNoDuplicates(seen, keys, OTHERS_BASE, next);
        }
    }

    @ParameterizedTest
    @MethodSource("stores")
    void iterator_returnsEachSurvivorOnce_whenTableShrinksBetweenNextCalls(StoreFactory factory, Keys keys) {
        try (OffHeapMap<Object, Long> map = open(factory, keys)) {
            int others = 60_000;
            putRange(map, keys, 0, SURVIVORS);
            putRange(map, keys, OTHERS_BASE, OTHERS_BASE + others);
            StoreStats before = map.stats();
            Map<Object, Integer> seen = new HashMap<>();
            Iterator<Object> it = map.keySet().iterator();
            long removed = OTHERS_BASE;
            while (it.hasNext()) {
                seen.merge(it.next(), 1, Integer::sum);
                if (removed < OTHERS_BASE + others) {
                    long to = Math.min(OTHERS_BASE + others, removed + 500);
                    removeRange(map, keys, removed, to);
                    removed = to;
                }
            }
            StoreStats after = map.stats();
            assertTrue(after.shrinks() > before.shrinks(), () -> "the table did not shrink: " + before + " -> " + after);
            assertTrue(after.buckets() < before.buckets(), () -> "buckets " + before.buckets() + " -> " + after.buckets());
            assertEquals(SURVIVORS, map.size());
            assertSurvivorsOnceAndNoDuplicates(seen, keys, OTHERS_BASE, OTHERS_BASE + others);
        }
    }

    @ParameterizedTest
    @MethodSource("stores")
    void iterator_returnsEachSurvivorOnce_whenTableDoublesThenShrinksDuringOneWalk(StoreFactory factory, Keys keys) {
        try (OffHeapMap<Object, Long> map = open(factory, keys)) {
            putRange(map, keys, 0, SURVIVORS);
            StoreStats before = map.stats();
            Map<Object, Integer> seen = new HashMap<>();
            Iterator<Object> it = map.keySet().iterator();
            int others = 64_000;
            long added = OTHERS_BASE;
            long removed = OTHERS_BASE;
            int calls = 0;
            while (it.hasNext()) {
                seen.merge(it.next(), 1, Integer::sum);
                calls++;
                if (calls <= 200) {
                    putRange(map, keys, added, added + others / 200);
                    added += others / 200;
                } else if (removed < added) {
                    long to = Math.min(added, removed + 1_000);
                    removeRange(map, keys, removed, to);
                    removed = to;
                }
            }
            StoreStats after = map.stats();
            assertTrue(after.growths() > before.growths(), () -> "no growth: " + before + " -> " + after);
            assertTrue(after.shrinks() > before.shrinks(), () -> "no shrink: " + before + " -> " + after);
            assertSurvivorsOnceAndNoDuplicates(seen, keys, OTHERS_BASE, added);
        }
    }

    @ParameterizedTest
    @MethodSource("stores")
    void iteratorRemove_removesExactlyTheReturnedKeys_whileTableDoubles(StoreFactory factory, Keys keys) {
        try (OffHeapMap<Object, Long> map = open(factory, keys)) {
            putRange(map, keys, 0, SURVIVORS);
            StoreStats before = map.stats();
            Map<Object, Integer> seen = new HashMap<>();
            Iterator<Map.Entry<Object, Long>> it = map.entrySet().iterator();
            long next = OTHERS_BASE;
            int calls = 0;
            while (it.hasNext()) {
                Map.Entry<Object, Long> e = it.next();
                seen.merge(e.getKey(), 1, Integer::sum);
                if (e.getValue() < SURVIVORS && e.getValue() % 2 == 0) {
                    it.remove();
                }
                if (calls++ < 500) {
                    putRange(map, keys, next, next + 100);
                    next += 100;
                }
            }
            StoreStats after = map.stats();
            assertTrue(after.growths() > before.growths(), () -> "no growth: " + before + " -> " + after);
            assertSurvivorsOnceAndNoDuplicates(seen, keys, OTHERS_BASE, next);
            for (long i = 0; i < SURVIVORS; i++) {
                Object k = keys.make.apply(i);
                if (i % 2 == 0) {
                    assertNull(map.get(k), () -> k + " was removed through the iterator");
                } else {
                    assertEquals(i, map.get(k), () -> k + " was not removed");
                }
            }
            assertEquals(SURVIVORS / 2 + (next - OTHERS_BASE), map.size());
            assertTrue(map.verify().isClean(), () -> map.verify().problems().toString());
        }
    }

    @ParameterizedTest
    @MethodSource("concurrentStores")
    void iterator_returnsEachSurvivorOnce_whileAnotherThreadResizes(StoreFactory factory, Keys keys) throws Exception {
        try (OffHeapMap<Object, Long> map = open(factory, keys)) {
            putRange(map, keys, 0, SURVIVORS);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread writer = Thread.ofPlatform().name("resizer").start(() -> {
                try {
                    while (!stop.get()) {
                        putRange(map, keys, OTHERS_BASE, OTHERS_BASE + 20_000);
                        removeRange(map, keys, OTHERS_BASE, OTHERS_BASE + 20_000);
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            long growthsBefore = map.stats().growths();
            long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            int walks = 0;
            try {
                while (walks < 20 && System.nanoTime() < deadline) {
                    Map<Object, Integer> seen = new HashMap<>();
                    for (Object k : map.keySet()) {
                        seen.merge(k, 1, Integer::sum);
                    }
                    assertSurvivorsOnceAndNoDuplicates(seen, keys, OTHERS_BASE, OTHERS_BASE + 20_000);
                    walks++;
                }
            } finally {
                stop.set(true);
                writer.join(Duration.ofSeconds(10));
            }
            assertFalse(writer.isAlive(), "the writer did not stop");
            assertNull(failure.get(), () -> "the writer failed: " + failure.get());
            assertTrue(walks > 0);
            assertTrue(map.stats().growths() > growthsBefore, "the writer never grew the table");
        }
    }

    static Stream<Arguments> concurrentStores() {
        return stores().filter(a -> ((StoreFactory) a.get()[0]).concurrency() == Concurrency.CONCURRENT);
    }

    private static void putRange(OffHeapMap<Object, Long> map, Keys keys, long from, long to) {
        for (long i = from; i < to; i++) {
            map.put(keys.make.apply(i), i);
        }
    }

    private static void removeRange(OffHeapMap<Object, Long> map, Keys keys, long from, long to) {
        for (long i = from; i < to; i++) {
            map.remove(keys.make.apply(i));
        }
    }

    /** Every survivor (index below {@link #SURVIVORS}) exactly once; the others at most once; nothing else. */
    private static void assertSurvivorsOnceAndNoDuplicates(Map<Object, Integer> seen, Keys keys, long othersFrom,
            long othersTo) {
        for (long i = 0; i < SURVIVORS; i++) {
            Object k = keys.make.apply(i);
            assertEquals(1, seen.getOrDefault(k, 0), () -> "survivor " + k + " returned this many times");
        }
        for (Map.Entry<Object, Integer> e : seen.entrySet()) {
            assertEquals(1, e.getValue(), () -> e.getKey() + " returned more than once");
            long index = keys.indexOf(e.getKey());
            assertTrue(index >= 0 && index < SURVIVORS || index >= othersFrom && index < othersTo,
                    () -> "returned " + e.getKey() + ", which was never put");
        }
        long others = seen.size() - SURVIVORS;
        assertTrue(others >= 0 && others <= othersTo - othersFrom, () -> "returned " + others + " other keys");
    }
}

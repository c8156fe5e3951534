package io.hmapstore.heap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hmapstore.Codecs;
import io.hmapstore.Concurrency;
import io.hmapstore.OffHeapMap;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compaction moves entries under lock-free readers: readers of keys that never change, by the boxed
 * {@code get} (inside an epoch) and by {@code get(MemorySegment, MemorySegment)} (the fast path that
 * skips epochs and validates the segment stamp), see each key's one value, never bytes of a freed or
 * reused block, while a writer deletes most of the other keys and compacts again and again. And a
 * model-based check: random puts, removes, {@code compact()} and {@code cleanUp()} against a
 * {@link HashMap}, over every kind of slot (inline long values, entries for values, entries for keys
 * and values).
 */
class CompactionRaceTest {
    private static final int STABLE = 2_000;
    private static final int VALUE_BYTES = 40;

    private static byte[] value(long k) {
        byte[] v = new byte[VALUE_BYTES];
        Arrays.fill(v, (byte) (k * 31 + 7));
        MemorySegment.ofArray(v).set(ValueLayout.JAVA_LONG_UNALIGNED, 0, k);
        return v;
    }

    @Test
    void readersRacingCompaction_seeTheOneValue() throws Exception {
        try (OffHeapMap<Long, byte[]> map = OffHeapMap.of(Codecs.longs(), Codecs.bytes())
                .concurrency(Concurrency.CONCURRENT).open()) {
            for (long k = 0; k < STABLE; k++) {
                map.put(k, value(k));
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<String> wrong = new AtomicReference<>();
            AtomicLong reads = new AtomicLong();
            List<Thread> readers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                boolean fast = t == 1;
                readers.add(Thread.ofPlatform().start(() -> {
                    SplittableRandom r = new SplittableRandom();
                    try (Arena arena = Arena.ofConfined()) {
                        MemorySegment key = arena.allocate(8);
                        MemorySegment out = arena.allocate(VALUE_BYTES);
                        while (!stop.get() && wrong.get() == null) {
                            long k = r.nextInt(STABLE);
                            byte[] seen;
                            if (fast) {
                                key.set(ValueLayout.JAVA_LONG, 0, k);
                                seen = map.get(key, out) ? out.toArray(ValueLayout.JAVA_BYTE) : null;
                            } else {
                                seen = map.get(k);
                            }
                            if (!Arrays.equals(value(k), seen)) {
                                wrong.set((fast ? "get(MemorySegment, MemorySegment)" : "get") + " of key " + k
                                        + " read " + Arrays.toString(seen));
                            }
                            reads.incrementAndGet();
                        }
                    }
                }));
            }
            long churn = STABLE;
            long moved = 0;
            for (int round = 0; round < 12 && wrong.get() == null; round++) {
                long from = churn;
                for (int i = 0; i < 40_000; i++) {
                    map.put(churn, value(churn));
                    churn++;
                }
                SplittableRandom r = new SplittableRandom(round);
                for (long k = from; k < churn; k++) {
                    if (r.nextInt(20) != 0) {
                        map.remove(k);
                    }
                }
                map.compact();
                moved = map.stats().compactedBytes();
            }
            stop.set(true);
            for (Thread t : readers) {
                t.join();
            }
            assertNull(wrong.get());
            assertTrue(moved > 0, "compaction moved entries");
            assertTrue(reads.get() > 1_000, reads.get() + " reads");
            for (long k = 0; k < STABLE; k++) {
                assertArrayEquals(value(k), map.get(k));
            }
            assertTrue(map.verify().isClean(), () -> map.verify().toString());
        }
    }

    /** Shape 0: long → long (inline); 1: long → bytes; 2: bytes → bytes. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void randomOpsWithCompaction_matchAHashMap(int shape) {
        for (long seed = 1; seed <= 3; seed++) {
            check(shape, seed);
        }
    }

    private static void check(int shape, long seed) {
        SplittableRandom r = new SplittableRandom(seed * 1_000 + shape);
        Map<Long, Long> oracle = new HashMap<>();
        try (OffHeapMap<Object, Object> map = open(shape, seed % 2 == 0 ? Concurrency.CONCURRENT
                : Concurrency.SINGLE_WRITER)) {
            for (int op = 0; op < 60_000; op++) {
                // Fill over 20,000 keys, drain most of them (the slabs go sparse), then churn 2,000.
                int phase = op < 20_000 ? 0 : op < 45_000 ? 1 : 2;
                int what = r.nextInt(1_000);
                long k = r.nextInt(phase == 2 ? 2_000 : 20_000);
                int puts = phase == 0 ? 800 : phase == 1 ? 150 : 500;
                if (what < 2) {
                    map.compact();
                } else if (what < 3) {
                    map.cleanUp();
                } else if (what < 3 + puts) {
                    long v = r.nextLong();
                    map.put(key(shape, k), val(shape, v));
                    oracle.put(k, v);
                } else {
                    Object had = map.remove(key(shape, k));
                    assertEquals(oracle.remove(k) != null, had != null, "seed " + seed + " op " + op);
                }
            }
            map.compact();
            assertEquals(oracle.size(), map.size(), "seed " + seed);
            for (Map.Entry<Long, Long> e : oracle.entrySet()) {
                assertEquals(e.getValue(), decode(shape, map.get(key(shape, e.getKey()))), "seed " + seed);
            }
            assertTrue(map.verify().isClean(), () -> map.verify().toString());
            assertTrue(shape == 0 || map.stats().compactedBytes() > 0, "something moved");
        }
    }

    @SuppressWarnings("unchecked")
    private static OffHeapMap<Object, Object> open(int shape, Concurrency mode) {
        OffHeapMap.Builder<?, ?> b = switch (shape) {
            case 0 -> OffHeapMap.of(Codecs.longs(), Codecs.longs());
            case 1 -> OffHeapMap.of(Codecs.longs(), Codecs.bytes());
            default -> OffHeapMap.of(Codecs.bytes(), Codecs.bytes());
        };
        return (OffHeapMap<Object, Object>) (OffHeapMap<?, ?>) b.concurrency(mode).open();
    }

    private static Object key(int shape, long k) {
        return shape == 2 ? ("key-" + k + "-" + "k".repeat((int) (k % 30))).getBytes() : (Object) k;
    }

    private static Object val(int shape, long v) {
        if (shape == 0) {
            return v;
        }
        byte[] b = new byte[8 + Math.floorMod(v, 50)];
        MemorySegment.ofArray(b).set(ValueLayout.JAVA_LONG_UNALIGNED, 0, v);
        return b;
    }

    private static Long decode(int shape, Object value) {
        if (value == null) {
            return null;
        }
        return shape == 0 ? (Long) value : MemorySegment.ofArray((byte[]) value).get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
    }
}

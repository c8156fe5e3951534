package io.hmapstore.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hmapstore.Codec;
import io.hmapstore.Codecs;
import io.hmapstore.Concurrency;
import io.hmapstore.OffHeapMap;
import io.hmapstore.StoreFileInfo;
import io.hmapstore.VerifyReport;
import io.hmapstore.store.TableStore;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Reopen round trips for every codec layout (both inline, inline key with a heap value, heap key with
 * an inline value, both in the heap, and a user codec of an odd fixed size) through growth, shrinking
 * and {@code clear()}: the same operations go to a file store, an anonymous store and a
 * {@link HashMap}; every operation must return the same on all three, and after every reopen the file
 * store must hold what the other two hold and verify clean.
 */
class ReopenRoundTripTest {
    private static final int KEY_SPACE = 3000;
    private static final int REOPEN_EVERY = 700;

    @TempDir
    Path dir;

    /** A user codec: UUIDs as 16 fixed bytes, stored inline (a key size that is not 8). */
    static final Codec<UUID> UUIDS = new Codec<>() {
        @Override public String id() { return "test/uuid16"; }
        @Override public int fixedSize() { return 16; }
        @Override public long encodedSize(UUID value) { return 16; }
        @Override public void encode(UUID value, MemorySegment target, long offset) {
            target.set(ValueLayout.JAVA_LONG_UNALIGNED, offset, value.getMostSignificantBits());
            target.set(ValueLayout.JAVA_LONG_UNALIGNED, offset + 8, value.getLeastSignificantBits());
        }
        @Override public UUID decode(MemorySegment source, long offset, long length) {
            return new UUID(source.get(ValueLayout.JAVA_LONG_UNALIGNED, offset),
                    source.get(ValueLayout.JAVA_LONG_UNALIGNED, offset + 8));
        }
        @Override public Class<UUID> type() { return UUID.class; }
    };

    /** One codec pairing and how to make its i-th key and a value from a number. */
    record Case<K, V>(String name, Codec<K> keys, Codec<V> values, IntFunction<K> key, IntFunction<V> value) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case<?, ?>> cases() {
        return Stream.of(
                new Case<>("longs->longs", Codecs.longs(), Codecs.longs(), i -> (long) i * 7919, i -> (long) i),
                new Case<>("ints->utf8", Codecs.ints(), Codecs.utf8(), i -> i * 31, i -> "v" + i + "é".repeat(i % 40)),
                new Case<>("utf8->ints", Codecs.utf8(), Codecs.ints(), i -> "key-" + i, i -> i),
                new Case<>("utf8->utf8", Codecs.utf8(), Codecs.utf8(), i -> "k" + i + "-" + "x".repeat(i % 23),
                        i -> "value " + i + " " + "y".repeat(i % 300)),
                new Case<>("bytes->bytes", Codecs.bytes(), Codecs.bytes(), ReopenRoundTripTest::bytesKey,
                        i -> new byte[i % 1000]),
                new Case<>("uuid->longs (user codec)", UUIDS, Codecs.longs(), i -> new UUID(i, ~i), i -> -(long) i));
    }

    private static byte[] bytesKey(int i) {
        return ByteBuffer.allocate(4 + i % 9).putInt(i).array();
    }

    private <K, V> OffHeapMap<K, V> openFile(Case<K, V> c, Path file, Concurrency mode, long expected) {
        return OffHeapMap.of(c.keys(), c.values()).persistTo(file).concurrency(mode).expectedEntries(expected)
                .reserveBytes(1L << 30).open();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    <K, V> void reopen_holdsWhatAnonymousStoreAndModelHold_throughGrowthShrinkAndClear(Case<K, V> c) {
        Path file = dir.resolve("roundtrip.hmap");
        Map<Object, Object> model = new HashMap<>();
        SplittableRandom random = new SplittableRandom(c.name().hashCode());
        long growths = 0;
        long shrinks = 0;
        int reopens = 0;
        int[] phaseOps = {6000, 6000, 1, 2000};
        OffHeapMap<K, V> stored = openFile(c, file, Concurrency.CONCURRENT, 16);
        try (OffHeapMap<K, V> anonymous = OffHeapMap.of(c.keys(), c.values()).expectedEntries(16).open()) {
            for (int phase = 0; phase < phaseOps.length; phase++) {
                for (int op = 0; op < phaseOps[phase]; op++) {
                    int n = random.nextInt(KEY_SPACE);
                    K key = c.key().apply(n);
                    Object expected;
                    Object fromFile;
                    Object fromAnonymous;
                    if (phase == 2) {
                        stored.clear();
                        anonymous.clear();
                        model.clear();
                        expected = fromFile = fromAnonymous = null;
                    } else if (phase == 1 ? random.nextInt(10) < 9 : random.nextInt(10) < 2) {
                        expected = model.remove(norm(key));
                        fromFile = norm(stored.remove(key));
                        fromAnonymous = norm(anonymous.remove(key));
                    } else {
                        V value = c.value().apply(random.nextInt(100_000));
                        expected = model.put(norm(key), norm(value));
                        fromFile = norm(stored.put(key, value));
                        fromAnonymous = norm(anonymous.put(key, value));
                    }
                    assertEquals(expected, fromFile, c + ": phase " + phase + ", op " + op + " on the file store");
                    assertEquals(expected, fromAnonymous, c + ": phase " + phase + ", op " + op + " on the anonymous one");
                    if (op % REOPEN_EVERY == REOPEN_EVERY - 1 || op == phaseOps[phase] - 1) {
                        growths += stored.stats().growths();
                        shrinks += stored.stats().shrinks();
                        int[] log2 = stored.stats().bucketsLog2();
                        stored.close();
                        assertTrue(StoreFileInfo.read(file).clean(), "close() marks the file clean");
                        // The file's geometry wins over the builder's hints on reopen.
                        Concurrency mode = reopens % 2 == 0 ? Concurrency.SINGLE_WRITER : Concurrency.CONCURRENT;
                        stored = openFile(c, file, mode, 1_000_000);
                        reopens++;
                        assertFalse(((TableStore<K, V>) stored).wasRecovered(), "a clean file needs no recovery");
                        assertEquals(java.util.Arrays.toString(log2), java.util.Arrays.toString(stored.stats().bucketsLog2()),
                                "segments and their B survive the reopen");
                        VerifyReport report = stored.verify();
                        assertTrue(report.isClean(), c + " after reopen " + reopens + ": " + report.problems());
                        assertEquals(model, contents(stored), c + " after reopen " + reopens);
                        assertEquals(model.size(), stored.size());
                        assertEquals(contents(anonymous), contents(stored), "anonymous and file stores agree");
                        for (int k = 0; k < 50; k++) {
                            K probe = c.key().apply(random.nextInt(KEY_SPACE));
                            assertEquals(model.get(norm(probe)), norm(stored.get(probe)), "get(" + norm(probe) + ")");
                        }
                    }
                }
            }
        } finally {
            stored.close();
        }
        assertTrue(growths > 0, c + ": the table grew (" + growths + ")");
        assertTrue(shrinks > 0, c + ": the table shrank (" + shrinks + ")");
        assertTrue(reopens >= 20, c + ": reopened " + reopens + " times");
    }

    /** byte[] compares by identity: compare hex strings instead. */
    private static Object norm(Object o) {
        return o instanceof byte[] b ? HexFormat.of().formatHex(b) : o;
    }

    private static Map<Object, Object> contents(Map<?, ?> store) {
        Map<Object, Object> out = new HashMap<>();
        for (Map.Entry<?, ?> e : store.entrySet()) {
            Object previous = out.put(norm(e.getKey()), norm(e.getValue()));
            assertEquals(null, previous, "iteration returns " + norm(e.getKey()) + " once");
        }
        return out;
    }
}

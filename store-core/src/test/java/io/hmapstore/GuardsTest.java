package io.hmapstore;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hmapstore.memory.ReleasePolicy;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each guard of DESIGN.md's table both ways, through the public API only: switched off, the hazard shows
 * (foreign bytes, lost writes, ghost entries); on, the same steps are refused or made safe. OFFSET_CHECK
 * and MAKE_BEFORE_WRITE need memory damaged from inside and are tested beside the implementation.
 * Also: a closed map throws {@link IllegalStateException} from every method, and nulls are refused with
 * {@link NullPointerException} without changing anything.
 *
 * <p>Races are bounded in time: they loop until the outcome is observed or a deadline of a few seconds
 * passes, then assert.
 */
class GuardsTest {

    private static final Duration RACE_LIMIT = Duration.ofSeconds(5);

    // ---------------------------------------------------------------- CONCURRENT_WRITE_CHECK

    @Nested
    class ConcurrentWriteCheck {

        @Test
        void put_throwsConcurrentWrite_whenTwoThreadsWriteSingleWriterStore() throws Exception {
            try (OffHeapMap<Long, Long> map = singleWriter().open()) {
                // Both threads write the same key, so they always meet on the same segment's stamp.
                Throwable seen = race(map, (thread, i) -> map.put(7L, i), (thread, i) -> map.put(7L, -i));
                assertInstanceOf(ConcurrentWriteException.class, seen,
                        "two unsynchronised writers on a SINGLE_WRITER store were not detected");
            }
        }

        @Test
        void get_throwsConcurrentWrite_whenReadRacesWriteOnSingleWriterStore() throws Exception {
            assertReaderSeesRacingWrite(map -> map.getLong(7L, -1));
        }

        /** The boxed get of a store of longs shares getLong's short path, and its writer check. */
        @Test
        void boxedGet_throwsConcurrentWrite_whenReadRacesWriteOnSingleWriterStore() throws Exception {
            assertReaderSeesRacingWrite(map -> map.get(7L));
        }

        private void assertReaderSeesRacingWrite(java.util.function.Consumer<OffHeapMap<Long, Long>> read)
                throws Exception {
            try (OffHeapMap<Long, Long> map = singleWriter().open()) {
                map.put(7L, 0L);
                AtomicReference<Throwable> reader = new AtomicReference<>();
                race(map, (thread, i) -> map.put(7L, i), (thread, i) -> {
                    try {
                        read.accept(map);
                    } catch (ConcurrentWriteException e) {
                        reader.set(e);
                        throw e;
                    }
                });
                assertInstanceOf(ConcurrentWriteException.class, reader.get(),
                        "a read racing a write on a SINGLE_WRITER store was not detected by the reader");
            }
        }

        @Test
        void put_losesWritesOrCorrupts_whenConcurrentWriteCheckOff() throws Exception {
            long deadline = System.nanoTime() + 2 * RACE_LIMIT.toNanos();
            List<String> hazards = new ArrayList<>();
            int rounds = 0;
            while (hazards.isEmpty() && System.nanoTime() < deadline) {
                rounds++;
                hazards.addAll(twoWritersOnFreshStore(
                        singleWriter().withoutGuards(Guard.CONCURRENT_WRITE_CHECK), 50_000));
            }
            assertFalse(hazards.isEmpty(), "no lost write or corruption seen in " + rounds + " rounds without the guard");
            for (String h : hazards) {
                assertFalse(h.contains(ConcurrentWriteException.class.getSimpleName()),
                        () -> "the switched-off guard still threw: " + h);
            }
        }

        @Test
        void put_keepsEveryWrite_whenTwoThreadsWriteConcurrentStore() throws Exception {
            List<String> hazards = twoWritersOnFreshStore(
                    OffHeapMap.of(Codecs.longs(), Codecs.longs()).concurrency(Concurrency.CONCURRENT).expectedEntries(8),
                    50_000);
            assertEquals(List.of(), hazards);
        }

        @Test
        void merge_isAtomic_whenTwoThreadsCountOnConcurrentStore() throws Exception {
            try (OffHeapMap<Long, Long> map = OffHeapMap.of(Codecs.longs(), Codecs.longs())
                    .concurrency(Concurrency.CONCURRENT).open()) {
                int perThread = 20_000;
                runTwo(() -> {
                    for (int i = 0; i < perThread; i++) {
                        map.merge((long) (i % 4), 1L, Long::sum);
                    }
                });
                long total = 0;
                for (long k = 0; k < 4; k++) {
                    total += map.get(k);
                }
                assertEquals(2L * perThread, total);
            }
        }

        @Test
        void put_keepsEveryWrite_whenSingleWriterStoreIsHandedOverBetweenThreads() throws Exception {
            try (OffHeapMap<Long, Long> map = singleWriter().open()) {
                for (int t = 0; t < 4; t++) {
                    long base = t * 10_000L;
                    Thread writer = Thread.ofPlatform().start(() -> {
                        for (long i = base; i < base + 10_000; i++) {
                            map.putLong(i, i);
                        }
                    });
                    writer.join();
                }
                assertEquals(40_000, map.size());
                assertEquals(39_999L, map.getLong(39_999L, -1));
                assertTrue(map.verify().isClean());
            }
        }

        /** Two threads insert disjoint key ranges into a fresh store; returns every anomaly found afterwards. */
        private static List<String> twoWritersOnFreshStore(OffHeapMap.Builder<Long, Long> builder, int perThread)
                throws InterruptedException {
            OffHeapMap<Long, Long> map = builder.open();
            List<String> hazards = new CopyOnWriteArrayList<>();
            CountDownLatch start = new CountDownLatch(1);
            Thread[] writers = new Thread[2];
            for (int t = 0; t < 2; t++) {
                long base = t * 1_000_000L;
                writers[t] = Thread.ofPlatform().daemon().start(() -> {
                    try {
                        start.await();
                        for (long i = base; i < base + perThread; i++) {
                            map.put(i, i);
                        }
                    } catch (Throwable e) {
                        hazards.add("writer threw " + e);
                    }
                });
            }
            start.countDown();
            for (Thread w : writers) {
                w.join(RACE_LIMIT.toMillis() * 2);
            }
            if (writers[0].isAlive() || writers[1].isAlive()) {
                // A writer is stuck inside the store (a torn chain): closing would unmap memory under it.
                for (Thread w : writers) {
                    if (w.isAlive()) {
                        hazards.add("a writer hung inside the store at " + Arrays.toString(w.getStackTrace()));
                    }
                }
                return hazards;
            }
            try (map) {
                if (map.size() != 2 * perThread) {
                    hazards.add("size() " + map.size() + ", expected " + 2 * perThread);
                }
                long missing = 0;
                for (int t = 0; t < 2; t++) {
                    for (long i = t * 1_000_000L; i < t * 1_000_000L + perThread; i++) {
                        if (map.getLong(i, -1) != i) {
                            missing++;
                        }
                    }
                }
                if (missing > 0) {
                    hazards.add(missing + " writes lost");
                }
                VerifyReport report = map.verify();
                if (!report.isClean()) {
                    hazards.add("verify(): " + report.problems().size() + " problems, first " + report.problems().get(0));
                }
            } catch (RuntimeException e) {
                hazards.add("checking afterwards threw " + e);
            }
            return hazards;
        }
    }

    // ---------------------------------------------------------------- STALE_VIEW_CHECK

    @Nested
    class StaleViewCheck {

        private static final String FIRST = "first-value-0123456789";

        @Test
        void view_readsLiveValue_whileEntryUnchanged() {
            try (OffHeapMap<Long, String> map = OffHeapMap.of(Codecs.longs(), Codecs.utf8()).open()) {
                map.put(1L, FIRST);
                ValueView view = map.view(1L);
                assertNotNull(view);
                assertTrue(view.isValid());
                assertEquals(FIRST.length(), view.byteSize());
                assertArrayEquals(FIRST.getBytes(UTF_8), view.toArray());
                MemorySegment out = MemorySegment.ofArray(new byte[64]);
                assertEquals(FIRST.length(), view.copyTo(out));
                assertEquals(FIRST, new String(out.asSlice(0, FIRST.length()).toArray(ValueLayout.JAVA_BYTE), UTF_8));
                assertNull(map.view(2L));
            }
        }

        @ParameterizedTest
        @EnumSource(Concurrency.class)
        void view_throwsStale_afterRemoveAndReuse(Concurrency mode) {
            try (OffHeapMap<Long, String> map = OffHeapMap.of(Codecs.longs(), Codecs.utf8()).concurrency(mode).open()) {
                ValueView view = removeThenReuse(map);
                assertFalse(view.isValid());
                assertAll(
                        () -> assertThrows(StaleViewException.class, view::toArray),
                        () -> assertThrows(StaleViewException.class, view::byteSize),
                        () -> assertThrows(StaleViewException.class,
                                () -> view.copyTo(MemorySegment.ofArray(new byte[64]))));
            }
        }

        @ParameterizedTest
        @EnumSource(Concurrency.class)
        void view_returnsOtherEntrysBytes_afterRemoveAndReuse_whenStaleViewCheckOff(Concurrency mode) {
            try (OffHeapMap<Long, String> map = OffHeapMap.of(Codecs.longs(), Codecs.utf8()).concurrency(mode)
                    .withoutGuards(Guard.STALE_VIEW_CHECK).open()) {
                ValueView view = removeThenReuse(map);
                String seen = new String(view.toArray(), UTF_8);
                assertTrue(seen.startsWith("OTHER-VALUE-") && map.containsValue(seen),
                        () -> "without the guard, the view should read the live entry that reused its memory, read \""
                                + seen + "\"");
            }
        }

        @Test
        void view_throwsStale_afterValueReplaced() {
            try (OffHeapMap<Long, String> map = OffHeapMap.of(Codecs.longs(), Codecs.utf8()).open()) {
                map.put(1L, FIRST);
                ValueView view = map.view(1L);
                map.put(1L, "a longer value that cannot share the old block, " + FIRST + FIRST);
                assertFalse(view.isValid());
                assertThrows(StaleViewException.class, view::toArray);
            }
        }

        @Test
        void view_throwsStale_afterInlineValueRemoved() {
            try (OffHeapMap<Long, Long> map = OffHeapMap.of(Codecs.longs(), Codecs.longs()).open()) {
                map.put(1L, 42L);
                map.put(2L, 43L);
                ValueView view = map.view(1L);
                assertEquals(42L, MemorySegment.ofArray(view.toArray()).get(ValueLayout.JAVA_LONG_UNALIGNED, 0));
                map.remove(1L);
                map.put(3L, 44L);
                assertFalse(view.isValid());
                assertThrows(StaleViewException.class, view::toArray);
            }
        }

        @Test
        void view_throwsStale_afterInlineSegmentGrows() {
            try (OffHeapMap<Long, Long> map = OffHeapMap.of(Codecs.longs(), Codecs.longs()).expectedEntries(8).open()) {
                map.put(1L, 42L);
                ValueView view = map.view(1L);
                long growths = map.stats().growths();
                for (long k = 2; k < 50_000; k++) {
                    map.putLong(k, k);
                }
                assertTrue(map.stats().growths() > growths, "the table did not grow");
                assertFalse(view.isValid());
                assertThrows(StaleViewException.class, view::toArray);
                assertEquals(42L, map.get(1L));
            }
        }

        @Test
        void view_throwsIllegalState_afterClose() {
            OffHeapMap<Long, String> map = OffHeapMap.of(Codecs.longs(), Codecs.utf8()).open();
            map.put(1L, FIRST);
            ValueView view = map.view(1L);
            map.close();
            assertThrows(IllegalStateException.class, view::toArray);
        }

        /**
         * Views key 1, removes it, and stores other keys with values of the same size so that one of them
         * reuses the freed block. A SINGLE_WRITER store reuses it at once (LIFO free lists); a CONCURRENT one
         * only once epoch-based reclamation has passed two epochs after a batch of retirements, which the
         * loop makes by removing what it stored: it stops when the view reads another value (which needs the
         * guard off), or after 500 rounds.
         */
        private static ValueView removeThenReuse(OffHeapMap<Long, String> map) {
            map.put(1L, FIRST);
            ValueView view = map.view(1L);
            assertArrayEquals(FIRST.getBytes(UTF_8), view.toArray());
            map.remove(1L);
            for (int i = 0; ; i++) {
                map.put(2L + i, String.format("OTHER-VALUE-%010d", i));
                if (i == 500 || readsOther(view)) {
                    return view;
                }
                map.remove(2L + i);
            }
        }

        /** Whether the view reads bytes other than FIRST's (false when it refuses to read). */
        private static boolean readsOther(ValueView view) {
            try {
                return !new String(view.toArray(), UTF_8).equals(FIRST);
            } catch (StaleViewException e) {
                return false;
            }
        }
    }

    // ---------------------------------------------------------------- ZERO_ON_REUSE

    @Nested
    class ZeroOnReuse {

        @Test
        void reusedMemory_showsOldBytes_whenZeroOnReuseOffWithKeep() {
            List<String> anomalies = new ArrayList<>();
            long oldBytes = 0;
            for (long seed = 1; seed <= 3 && (anomalies.isEmpty() || oldBytes == 0); seed++) {
                try (OffHeapMap<Long, Long> map = OffHeapMap.of(Codecs.longs(), Codecs.longs())
                        .releasePolicy(ReleasePolicy.KEEP).withoutGuards(Guard.ZERO_ON_REUSE).verifyReuse()
                        .concurrency(Concurrency.SINGLE_WRITER).expectedEntries(8).seed(seed).open()) {
                    anomalies.addAll(reuseAnomalies(map));
                    oldBytes += map.stats().reusedNonZeroBytes();
                }
            }
            assertFalse(anomalies.isEmpty(), "no ghost entry, stale byte or dirty verify() without zero-on-reuse");
            assertTrue(oldBytes > 0, "verifyReuse() counted no old bytes in reused memory without zero-on-reuse");
        }

        @ParameterizedTest
        @EnumSource(value = ReleasePolicy.class, names = {"KEEP", "FREE", "ZERO", "DONTNEED", "UNMAP"})
        void reusedMemory_isClean_whenZeroOnReuseOn(ReleasePolicy policy) {
            for (Concurrency mode : Concurrency.values()) {
                try (OffHeapMap<Long, Long> map = OffHeapMap.of(Codecs.longs(), Codecs.longs())
                        .releasePolicy(policy).concurrency(mode).expectedEntries(8).seed(1).verifyReuse().open()) {
                    assertEquals(List.of(), reuseAnomalies(map), mode + "/" + policy);
                    assertEquals(0, map.stats().reusedNonZeroBytes(), mode + "/" + policy + ": old bytes in reused memory");
                }
            }
        }

        /**
         * Fills the store, gives the memory back (clear; grow then shrink), fills it again with other keys,
         * and reports every sign that reused memory still held old entries.
         */
        private static List<String> reuseAnomalies(OffHeapMap<Long, Long> map) {
            List<String> anomalies = new ArrayList<>();
            int n = 20_000;
            try {
                // Route 1: clear() hands the bucket arrays and overflow buckets back; the next puts take them again.
                for (long k = 0; k < n; k++) {
                    map.putLong(k, k);
                }
                map.clear();
                for (long k = 0; k < n; k++) {
                    map.putLong(1_000_000 + k, k);
                }
                checkNoGhosts(map, 0, n, 1_000_000, n, "after clear()", anomalies);
                // Route 2: remove almost everything (the table shrinks and retires its arrays), then grow again.
                for (long k = 0; k < n - 100; k++) {
                    map.remove(1_000_000 + k);
                }
                for (long k = 0; k < n; k++) {
                    map.putLong(2_000_000 + k, k);
                }
                for (long k = 0; k < n; k++) {
                    map.remove(2_000_000 + k);
                }
                for (long k = 0; k < n; k++) {
                    map.putLong(3_000_000 + k, k);
                }
                map.remove(1_000_000L + n - 1);
                checkNoGhosts(map, 2_000_000, n, 3_000_000, n, "after shrink and regrowth", anomalies);
                VerifyReport report = map.verify();
                if (!report.isClean()) {
                    anomalies.add("verify(): " + report.problems());
                }
            } catch (StoreException e) {
                anomalies.add("threw " + e);
            }
            return anomalies;
        }

        private static void checkNoGhosts(OffHeapMap<Long, Long> map, long goneFrom, int goneCount, long liveFrom,
                int liveCount, String when, List<String> anomalies) {
            long ghosts = 0;
            for (long k = goneFrom; k < goneFrom + goneCount; k++) {
                if (map.getLong(k, -1) != -1) {
                    ghosts++;
                }
            }
            if (ghosts > 0) {
                anomalies.add(when + ": " + ghosts + " removed keys still found");
            }
            long iterated = 0;
            for (Long k : map.keySet()) {
                iterated++;
                if (k < liveFrom || k >= liveFrom + liveCount) {
                    if (k < 1_000_000 || k >= 1_000_000 + goneCount || map.getLong(k, -1) == -1) {
                        anomalies.add(when + ": iteration returned a key that is not stored: " + k);
                        break;
                    }
                }
            }
            if (iterated != map.size()) {
                anomalies.add(when + ": iteration returned " + iterated + " keys, size() is " + map.size());
            }
        }
    }

    // ---------------------------------------------------------------- writeGuard

    @Nested
    class WriteGuardCheck {

        private static final String REASON = "key 13 is frozen";

        private OffHeapMap<Long, Long> frozen13() {
            AtomicBoolean frozen = new AtomicBoolean();
            OffHeapMap<Long, Long> map = OffHeapMap.of(Codecs.longs(), Codecs.longs())
                    .writeGuard((Long k, Long v) -> frozen.get() && (k == 13L || k == 14L) ? REASON : null).open();
            map.put(13L, 1L);
            map.put(1L, 1L);
            map.put(2L, 2L);
            frozen.set(true);
            return map;
        }

        static Stream<Arguments> writes() {
            return Stream.of(
                    write("put", m -> m.put(13L, 2L)),
                    write("putIfAbsent", m -> m.putIfAbsent(14L, 2L)),
                    write("putAll", m -> m.putAll(Map.of(13L, 2L))),
                    write("remove", m -> m.remove(13L)),
                    write("remove(k, v)", m -> m.remove(13L, 1L)),
                    write("replace", m -> m.replace(13L, 2L)),
                    write("replace(k, old, new)", m -> m.replace(13L, 1L, 2L)),
                    write("compute", m -> m.compute(13L, (k, v) -> 2L)),
                    write("compute removing", m -> m.compute(13L, (k, v) -> null)),
                    write("computeIfAbsent", m -> m.computeIfAbsent(14L, k -> 2L)),
                    write("computeIfPresent", m -> m.computeIfPresent(13L, (k, v) -> 2L)),
                    write("merge", m -> m.merge(13L, 1L, Long::sum)),
                    write("putLong", m -> m.putLong(13L, 2L)),
                    write("put(MemorySegment)", m -> m.put(longSegment(13L), longSegment(2L))),
                    write("remove(MemorySegment)", m -> m.remove(longSegment(13L))),
                    write("keySet().remove", m -> m.keySet().remove(13L)),
                    write("iterator.remove", m -> {
                        Iterator<Long> it = m.keySet().iterator();
                        while (it.hasNext()) {
                            if (it.next() == 13L) {
                                it.remove();
                            }
                        }
                    }));
        }

        private static Arguments write(String name, Consumer<OffHeapMap<Long, Long>> op) {
            return Arguments.of(name, op);
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("writes")
        void write_throwsRejected_andChangesNothing_whenGuardRefuses(String name, Consumer<OffHeapMap<Long, Long>> op) {
            try (OffHeapMap<Long, Long> map = frozen13()) {
                RejectedWriteException e = assertThrows(RejectedWriteException.class, () -> op.accept(map), name);
                assertTrue(e.getMessage().contains(REASON), e::getMessage);
                assertTrue(e.getMessage().contains("13") || e.getMessage().contains("14"), e::getMessage);
                assertEquals(new TreeMap<>(Map.of(13L, 1L, 1L, 1L, 2L, 2L)), new TreeMap<>(map), name);
                assertTrue(map.verify().isClean());
            }
        }

        @Test
        void writeGuard_seesKeyAndNewValue_andNullForRemoval() {
            List<String> calls = new CopyOnWriteArrayList<>();
            try (OffHeapMap<String, String> map = OffHeapMap.of(Codecs.utf8(), Codecs.utf8())
                    .writeGuard((String k, String v) -> {
                        calls.add(k + "=" + v);
                        return null;
                    }).open()) {
                map.put("a", "1");
                map.remove("a");
                assertEquals(List.of("a=1", "a=null"), calls);
                assertNull(map.get("a"));
            }
        }

        @Test
        void remove_throwsRejected_whenGuardRefusesRemovalsOnly() {
            try (OffHeapMap<String, String> map = OffHeapMap.of(Codecs.utf8(), Codecs.utf8())
                    .writeGuard((String k, String v) -> v == null && k.startsWith("admin") ? "admins are never removed" : null)
                    .open()) {
                map.put("admin-1", "root");
                map.put("admin-1", "root2");
                map.put("user-1", "u");
                RejectedWriteException e = assertThrows(RejectedWriteException.class, () -> map.remove("admin-1"));
                assertTrue(e.getMessage().contains("admin-1") && e.getMessage().contains("admins are never removed"),
                        e::getMessage);
                assertEquals("root2", map.get("admin-1"));
                assertEquals("u", map.remove("user-1"));
                assertEquals(1, map.size());
            }
        }
    }

    // ---------------------------------------------------------------- closed map, nulls

    static Stream<Arguments> calls() {
        MemorySegment key = longSegment(1L);
        MemorySegment out = MemorySegment.ofArray(new byte[8]);
        return Stream.of(
                call("get", m -> m.get(1L)),
                call("get of a key of another type", m -> m.get("1")),
                call("containsKey of a key of another type", m -> m.containsKey("1")),
                call("remove of a key of another type", m -> m.remove("1")),
                call("getOrDefault", m -> m.getOrDefault(1L, 0L)),
                call("containsKey", m -> m.containsKey(1L)),
                call("containsValue", m -> m.containsValue(1L)),
                call("size", Map::size),
                call("isEmpty", Map::isEmpty),
                call("put", m -> m.put(2L, 2L)),
                call("putAll", m -> m.putAll(Map.of(2L, 2L))),
                call("putIfAbsent", m -> m.putIfAbsent(2L, 2L)),
                call("remove", m -> m.remove(1L)),
                call("remove(k, v)", m -> m.remove(1L, 1L)),
                call("replace", m -> m.replace(1L, 2L)),
                call("replace(k, old, new)", m -> m.replace(1L, 1L, 2L)),
                call("replaceAll", m -> m.replaceAll((k, v) -> v)),
                call("compute", m -> m.compute(1L, (k, v) -> 2L)),
                call("computeIfAbsent", m -> m.computeIfAbsent(2L, k -> 2L)),
                call("computeIfPresent", m -> m.computeIfPresent(1L, (k, v) -> 2L)),
                call("merge", m -> m.merge(1L, 1L, Long::sum)),
                call("forEach", m -> m.forEach((k, v) -> { })),
                call("clear", Map::clear),
                call("keySet().iterator()", m -> m.keySet().iterator().hasNext()),
                call("values().iterator()", m -> m.values().iterator().hasNext()),
                call("entrySet().iterator()", m -> m.entrySet().iterator().hasNext()),
                call("keySet().size()", m -> m.keySet().size()),
                call("getLong", m -> m.getLong(1L, 0L)),
                call("putLong", m -> m.putLong(1L, 1L)),
                call("get(MemorySegment, MemorySegment)", m -> m.get(key, out)),
                call("put(MemorySegment, MemorySegment)", m -> m.put(key, key)),
                call("remove(MemorySegment)", m -> m.remove(key)),
                call("view", m -> m.view(1L)),
                call("stats", OffHeapMap::stats),
                call("verify", OffHeapMap::verify),
                call("sync", OffHeapMap::sync));
    }

    private static Arguments call(String name, Consumer<OffHeapMap<Long, Long>> op) {
        return Arguments.of(name, op);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("calls")
    void anyMethod_throwsIllegalState_afterClose(String name, Consumer<OffHeapMap<Long, Long>> op) {
        for (StoreFactory factory : StoreFactory.modes()) {
            OffHeapMap<Long, Long> map = factory.open(Codecs.longs(), Codecs.longs());
            map.put(1L, 1L);
            map.close();
            assertTrue(map.isClosed());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> op.accept(map),
                    () -> name + " on a closed " + factory + " store");
            assertEquals("store is closed", e.getMessage(), () -> name + " on a closed " + factory + " store");
        }
    }

    @Test
    void close_isIdempotent_andIteratorFailsAfterClose() {
        OffHeapMap<Long, Long> map = OffHeapMap.of(Codecs.longs(), Codecs.longs()).open();
        map.put(1L, 1L);
        map.put(2L, 2L);
        Iterator<Long> it = map.keySet().iterator();
        assertFalse(map.isClosed());
        map.close();
        map.close();
        assertTrue(map.isClosed());
        assertThrows(IllegalStateException.class, it::next);
    }

    static Stream<Arguments> nullCalls() {
        return Stream.of(
                nullCall("get(null)", m -> m.get(null)),
                nullCall("getOrDefault(null, v)", m -> m.getOrDefault(null, "x")),
                nullCall("containsKey(null)", m -> m.containsKey(null)),
                nullCall("containsValue(null)", m -> m.containsValue(null)),
                nullCall("put(null, v)", m -> m.put(null, "x")),
                nullCall("put(k, null)", m -> m.put("a", null)),
                nullCall("putAll with a null value", m -> m.putAll(java.util.Collections.singletonMap("b", null))),
                nullCall("putIfAbsent(null, v)", m -> m.putIfAbsent(null, "x")),
                nullCall("putIfAbsent(k, null)", m -> m.putIfAbsent("b", null)),
                nullCall("remove(null)", m -> m.remove(null)),
                nullCall("remove(null, v)", m -> m.remove(null, "x")),
                nullCall("replace(k, null)", m -> m.replace("a", null)),
                nullCall("replace(null, v)", m -> m.replace(null, "x")),
                nullCall("replace(k, null, v)", m -> m.replace("a", null, "x")),
                nullCall("replace(k, v, null)", m -> m.replace("a", "1", null)),
                nullCall("compute(null, f)", m -> m.compute(null, (k, v) -> "x")),
                nullCall("compute(k, null)", m -> m.compute("a", null)),
                nullCall("computeIfAbsent(null, f)", m -> m.computeIfAbsent(null, k -> "x")),
                nullCall("computeIfPresent(k, null)", m -> m.computeIfPresent("a", null)),
                nullCall("merge(null, v, f)", m -> m.merge(null, "x", (a, b) -> a)),
                nullCall("merge(k, null, f)", m -> m.merge("a", null, (a, b) -> a)),
                nullCall("merge(k, v, null)", m -> m.merge("a", "x", null)),
                nullCall("view(null)", m -> m.view(null)),
                nullCall("get(null segment, out)", m -> m.get(null, MemorySegment.ofArray(new byte[8]))),
                nullCall("put(null segment, v)", m -> m.put(null, MemorySegment.ofArray(new byte[1]))),
                nullCall("remove(null segment)", m -> m.remove((MemorySegment) null)));
    }

    private static Arguments nullCall(String name, Consumer<OffHeapMap<String, String>> op) {
        return Arguments.of(name, op);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nullCalls")
    void nullArgument_throwsNullPointer_andChangesNothing(String name, Consumer<OffHeapMap<String, String>> op) {
        for (StoreFactory factory : StoreFactory.modes()) {
            try (OffHeapMap<String, String> map = factory.open(Codecs.utf8(), Codecs.utf8())) {
                map.put("a", "1");
                assertThrows(NullPointerException.class, () -> op.accept(map), () -> name + " on " + factory);
                assertEquals(Map.of("a", "1"), Map.copyOf(map), name);
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private static OffHeapMap.Builder<Long, Long> singleWriter() {
        return OffHeapMap.of(Codecs.longs(), Codecs.longs()).concurrency(Concurrency.SINGLE_WRITER).expectedEntries(8);
    }

    static MemorySegment longSegment(long value) {
        MemorySegment s = Arena.ofAuto().allocate(Long.BYTES);
        s.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, value);
        return s;
    }

    /** One step of a racing thread. */
    @FunctionalInterface
    interface Step {
        void run(int thread, long iteration);
    }

    /**
     * Runs two threads, each repeating its step, until one of them throws or {@link #RACE_LIMIT} passes.
     *
     * @return the first throwable, or null
     */
    private static Throwable race(OffHeapMap<?, ?> map, Step first, Step second) throws InterruptedException {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch start = new CountDownLatch(1);
        long deadline = System.nanoTime() + RACE_LIMIT.toNanos();
        Step[] steps = {first, second};
        Thread[] threads = new Thread[2];
        for (int t = 0; t < 2; t++) {
            int id = t;
            threads[t] = Thread.ofPlatform().daemon().name("racer-" + t).start(() -> {
                try {
                    start.await();
                    for (long i = 0; !stop.get(); i++) {
                        steps[id].run(id, i);
                        if ((i & 1023) == 0 && System.nanoTime() > deadline) {
                            break;
                        }
                    }
                } catch (Throwable e) {
                    thrown.compareAndSet(null, e);
                } finally {
                    stop.set(true);
                }
            });
        }
        start.countDown();
        for (Thread t : threads) {
            t.join(RACE_LIMIT.toMillis() * 2);
            assertFalse(t.isAlive(), () -> t.getName() + " did not stop; store " + map.getClass().getSimpleName());
        }
        return thrown.get();
    }

    private static void runTwo(Runnable body) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        Thread[] threads = new Thread[2];
        for (int t = 0; t < 2; t++) {
            threads[t] = Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    body.run();
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
        }
        start.countDown();
        for (Thread t : threads) {
            t.join(RACE_LIMIT.toMillis() * 2);
            assertFalse(t.isAlive(), "a thread did not finish");
        }
        assertNull(failure.get(), () -> "a thread failed: " + failure.get());
    }
}

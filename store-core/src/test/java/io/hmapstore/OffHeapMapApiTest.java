package io.hmapstore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The parts of the public API that are not the {@code ConcurrentMap} contract: builder, codecs, stats, verify. */
class OffHeapMapApiTest {

    static Iterable<StoreFactory> factories() {
        return StoreFactory.modes();
    }

    @ParameterizedTest
    @MethodSource("factories")
    void persistTo_keepsEveryEntry_acrossCloseAndReopen(StoreFactory mode, @TempDir Path dir) {
        Path file = dir.resolve("users.hmap");
        OffHeapMap.Builder<Long, String> builder = OffHeapMap.of(Codecs.longs(), Codecs.utf8())
                .concurrency(mode.concurrency()).persistTo(file);
        try (OffHeapMap<Long, String> users = builder.open()) {
            for (long k = 0; k < 50_000; k++) {
                users.put(k, "user-" + k);
            }
            for (long k = 0; k < 50_000; k += 3) {
                users.remove(k);
            }
            users.sync();
        }
        assertTrue(Files.exists(file));
        try (OffHeapMap<Long, String> users = builder.open()) {
            assertEquals(50_000 - 16_667, users.size());
            assertEquals("user-1", users.get(1L));
            assertNull(users.get(3L));
            assertEquals("user-49999", users.get(49_999L));
            long count = users.entrySet().stream().filter(e -> e.getValue().equals("user-" + e.getKey())).count();
            assertEquals(users.size(), count);
            assertTrue(users.verify().isClean(), () -> users.verify().problems().toString());
        }
    }

    @Test
    void persistTo_throwsStoreException_whenReopenedWithOtherCodecs(@TempDir Path dir) {
        Path file = dir.resolve("users.hmap");
        try (OffHeapMap<Long, String> users = OffHeapMap.of(Codecs.longs(), Codecs.utf8()).persistTo(file).open()) {
            users.put(1L, "alice");
        }
        OffHeapMap.Builder<Long, Long> wrong = OffHeapMap.of(Codecs.longs(), Codecs.longs()).persistTo(file);
        StoreException e = assertThrows(StoreException.class, wrong::open);
        assertTrue(e.getMessage().contains("utf8"), e::getMessage);
        try (OffHeapMap<Long, String> users = OffHeapMap.of(Codecs.longs(), Codecs.utf8()).persistTo(file).open()) {
            assertEquals("alice", users.get(1L));
        }
    }

    @Test
    void persistTo_throwsStoreException_whenFileIsAlreadyOpen(@TempDir Path dir) {
        Path file = dir.resolve("users.hmap");
        OffHeapMap.Builder<Long, String> builder = OffHeapMap.of(Codecs.longs(), Codecs.utf8()).persistTo(file);
        try (OffHeapMap<Long, String> users = builder.open()) {
            users.put(1L, "alice");
            assertThrows(StoreException.class, builder::open);
            assertEquals("alice", users.get(1L));
        }
    }

    @Test
    void builder_throwsIllegalArgument_forImpossibleSizes() {
        OffHeapMap.Builder<Long, Long> builder = OffHeapMap.of(Codecs.longs(), Codecs.longs());
        assertThrows(IllegalArgumentException.class, () -> builder.expectedEntries(-1));
        assertThrows(IllegalArgumentException.class, () -> builder.reserveBytes(4096));
        assertThrows(NullPointerException.class, () -> OffHeapMap.of(null, Codecs.longs()));
        assertThrows(NullPointerException.class, () -> builder.releasePolicy(null));
    }

    @ParameterizedTest
    @MethodSource("factories")
    void getLong_throwsUnsupported_whenCodecsAreNotLongs(StoreFactory factory) {
        try (OffHeapMap<Long, String> map = factory.open(Codecs.longs(), Codecs.utf8())) {
            assertThrows(UnsupportedOperationException.class, () -> map.getLong(1L, 0L));
            assertThrows(UnsupportedOperationException.class, () -> map.putLong(1L, 0L));
            assertTrue(map.isEmpty());
        }
    }

    @ParameterizedTest
    @MethodSource("factories")
    void putSegment_throwsIllegalArgument_whenFixedSizeDoesNotMatch(StoreFactory factory) {
        try (OffHeapMap<Long, Long> map = factory.open(Codecs.longs(), Codecs.longs())) {
            assertThrows(IllegalArgumentException.class,
                    () -> map.put(MemorySegment.ofArray(new byte[4]), MemorySegment.ofArray(new byte[8])));
            assertThrows(IllegalArgumentException.class,
                    () -> map.put(MemorySegment.ofArray(new byte[8]), MemorySegment.ofArray(new byte[9])));
            assertTrue(map.isEmpty());
        }
    }

    @ParameterizedTest
    @MethodSource("factories")
    void segmentAndObjectPaths_seeTheSameEntries(StoreFactory factory) {
        try (OffHeapMap<Long, Long> map = factory.open(Codecs.longs(), Codecs.longs())) {
            map.putLong(5L, 50L);
            MemorySegment out = MemorySegment.ofArray(new byte[8]);
            assertTrue(map.get(GuardsTest.longSegment(5L), out));
            assertEquals(50L, out.get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, 0));
            map.put(GuardsTest.longSegment(6L), GuardsTest.longSegment(60L));
            assertEquals(60L, map.get(6L));
            assertEquals(-1L, map.getLong(7L, -1L));
            assertTrue(map.remove(GuardsTest.longSegment(5L)));
            assertFalse(map.remove(GuardsTest.longSegment(5L)));
            assertNull(map.get(5L));
        }
    }

    @ParameterizedTest
    @MethodSource("factories")
    void bytesKeys_compareByContent(StoreFactory factory) {
        try (OffHeapMap<byte[], byte[]> map = factory.open(Codecs.bytes(), Codecs.bytes())) {
            map.put(new byte[] {1, 2}, new byte[] {9});
            map.put(new byte[0], new byte[0]);
            assertArrayEquals(new byte[] {9}, map.get(new byte[] {1, 2}));
            assertArrayEquals(new byte[0], map.get(new byte[0]));
            assertTrue(map.containsKey(new byte[] {1, 2}));
            assertNull(map.get(new byte[] {1, 2, 0}));
            assertEquals(2, map.size());
        }
    }

    @ParameterizedTest
    @MethodSource("factories")
    void get_returnsNull_forKeyOfForeignType(StoreFactory factory) {
        try (OffHeapMap<Long, Long> map = factory.open(Codecs.longs(), Codecs.longs())) {
            map.put(1L, 1L);
            assertNull(map.get("1"));
            assertFalse(map.containsKey(1));
            assertNull(map.remove("1"));
            assertEquals(1, map.size());
        }
    }

    @ParameterizedTest
    @MethodSource("factories")
    void stats_reportGrowthAndShape_afterManyPuts(StoreFactory factory) {
        try (OffHeapMap<Long, String> map = factory.builder(Codecs.longs(), Codecs.utf8()).expectedEntries(8).open()) {
            for (long k = 0; k < 100_000; k++) {
                map.put(k, "value-" + k);
            }
            StoreStats s = map.stats();
            assertEquals(100_000, s.entries());
            assertEquals(s.segments(), s.bucketsLog2().length);
            assertEquals(Arrays.stream(s.bucketsLog2()).mapToLong(b -> 1L << b).sum(), s.buckets());
            assertTrue(s.growths() > 0, () -> "growths " + s);
            assertTrue(s.evacuations() > 0, () -> "evacuations " + s);
            assertTrue(s.loadFactor() <= 6.5, () -> "load factor " + s.loadFactor() + " above Go's 6.5");
            assertTrue(s.heapBytesInUse() >= 100_000L * "value-0".length(), () -> "heap bytes " + s.heapBytesInUse());
            assertTrue(s.mappedBytes() > s.heapBytesInUse(), () -> "mapped " + s.mappedBytes());
            VerifyReport r = map.verify();
            assertTrue(r.isClean(), () -> r.problems().toString());
            assertEquals(100_000, r.entriesChecked());
            assertTrue(r.bucketsChecked() >= s.buckets(), () -> "buckets checked " + r.bucketsChecked());
        }
    }

    @ParameterizedTest
    @MethodSource("factories")
    void remove_shrinksTable_whenLoadFallsFarBelow(StoreFactory factory) {
        try (OffHeapMap<Long, Long> map = factory.builder(Codecs.longs(), Codecs.longs()).expectedEntries(8).open()) {
            for (long k = 0; k < 100_000; k++) {
                map.putLong(k, k);
            }
            StoreStats full = map.stats();
            for (long k = 100; k < 100_000; k++) {
                map.remove(k);
            }
            // shrinking is incremental: a few more writes finish the evacuation
            for (int i = 0; i < 1_000; i++) {
                map.putLong(i % 100, i);
            }
            StoreStats after = map.stats();
            assertTrue(after.shrinks() > full.shrinks(), () -> "no shrink: " + after);
            assertTrue(after.buckets() * 16 <= full.buckets(), () -> "buckets " + full.buckets() + " -> " + after.buckets());
            assertEquals(100, map.size());
            assertTrue(map.verify().isClean());
        }
    }

    @ParameterizedTest
    @MethodSource("factories")
    void clear_givesMemoryBack(StoreFactory factory) {
        try (OffHeapMap<Long, String> map = factory.builder(Codecs.longs(), Codecs.utf8()).expectedEntries(8).open()) {
            for (long k = 0; k < 100_000; k++) {
                map.put(k, "a value of some length, " + k);
            }
            StoreStats full = map.stats();
            map.clear();
            StoreStats cleared = map.stats();
            assertEquals(0, cleared.entries());
            assertTrue(map.isEmpty());
            assertTrue(cleared.heapBytesInUse() < full.heapBytesInUse() / 100, () -> "heap bytes in use after clear: " + cleared);
            assertTrue(cleared.buckets() < full.buckets() / 100, () -> "buckets after clear: " + cleared);
            assertTrue(cleared.retiredBytes() > full.retiredBytes(), () -> "nothing retired by clear: " + cleared);
            map.put(1L, "again");
            assertEquals("again", map.get(1L));
            assertNull(map.get(2L));
            assertTrue(map.verify().isClean());
        }
    }

    @ParameterizedTest
    @MethodSource("factories")
    void intsCodec_roundTrips(StoreFactory factory) {
        try (OffHeapMap<Integer, Integer> map = factory.open(Codecs.ints(), Codecs.ints())) {
            for (int k = -500; k < 500; k++) {
                map.put(k, k * 3);
            }
            assertEquals(-1500, map.get(-500));
            assertEquals(1000, map.size());
            assertEquals(1497, map.get(499));
        }
    }
}

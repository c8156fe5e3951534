package io.hmapstore.heap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hmapstore.Codecs;
import io.hmapstore.Concurrency;
import io.hmapstore.OffHeapMap;
import io.hmapstore.StoreStats;
import io.hmapstore.memory.ReleasePolicy;
import io.hmapstore.store.TableStore;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The entry heap gives a slab back to the release policy once every block of it is free: after a run
 * of deletes, and on reopening a file. A slab that still holds one live entry is never given back
 * (with {@code DONTNEED} its bytes would read as zeros), and a heap whose free blocks are scattered
 * over every slab does not sweep again and again.
 *
 * <p>Values are 1,000-character strings: an entry is a ~1 KiB block of the 1,280-byte class, 51 to a
 * 64 KiB slab, so 50,000 entries fill ~980 slabs (~64 MB), far more than the table's own arrays.
 */
class SlabReleaseTest {

    private static final int N = 50_000;
    private static final long ENTRY_BLOCK = 1_280;

    @TempDir
    Path dir;

    private static String value(long k) {
        return String.format("%06d", k) + "v".repeat(994);
    }

    private static OffHeapMap.Builder<Long, String> builder(Concurrency mode) {
        return OffHeapMap.of(Codecs.longs(), Codecs.utf8()).concurrency(mode).reserveBytes(1L << 30);
    }

    private static Map<Long, String> fill(OffHeapMap<Long, String> map, long from, long to) {
        Map<Long, String> oracle = new HashMap<>();
        for (long k = from; k < to; k++) {
            map.put(k, value(k));
            oracle.put(k, value(k));
        }
        return oracle;
    }

    private static void assertHolds(OffHeapMap<Long, String> map, Map<Long, String> oracle) {
        assertEquals(oracle.size(), map.size());
        for (Map.Entry<Long, String> e : oracle.entrySet()) {
            assertEquals(e.getValue(), map.get(e.getKey()), () -> "value of key " + e.getKey());
        }
        assertTrue(map.verify().problems().isEmpty(), () -> map.verify().toString());
    }

    private static long released(OffHeapMap<?, ?> map, ReleasePolicy policy) {
        return map.stats().releasedBytes().getOrDefault(policy, 0L);
    }

    @ParameterizedTest
    @EnumSource(Concurrency.class)
    void deletingARunOfEntries_givesTheirSlabsBack(Concurrency mode) {
        try (OffHeapMap<Long, String> map = builder(mode).open()) {
            TableStore<?, ?> store = (TableStore<?, ?>) map;
            Map<Long, String> oracle = fill(map, 0, N);
            long releasedBefore = released(map, ReleasePolicy.DONTNEED);
            long residentBefore = map.stats().residentBytes();
            for (long k = 0; k < N * 9 / 10; k++) {
                map.remove(k);
                oracle.remove(k);
            }
            // Not all of it: a sweep waits until half the slab bytes are free, so what was deleted after
            // the last one (here up to as much as is still live, 10 %) waits for the next.
            long slabBytes = 9L * N / 10 * ENTRY_BLOCK;
            long releasedSlabs = store.slabsReleased() * SmallBlocks.SLAB_BYTES;
            assertTrue(releasedSlabs >= slabBytes * 7 / 10,
                    () -> "released " + releasedSlabs + " bytes of slabs; the deleted entries filled " + slabBytes);
            assertTrue(released(map, ReleasePolicy.DONTNEED) - releasedBefore >= releasedSlabs);
            StoreStats after = map.stats();
            assertTrue(residentBefore - after.residentBytes() >= slabBytes * 6 / 10,
                    () -> "resident " + residentBefore + " → " + after.residentBytes() + " bytes");
            assertHolds(map, oracle);

            oracle.putAll(fill(map, N, 2L * N));  // the released slabs serve again
            assertHolds(map, oracle);
        }
    }

    @ParameterizedTest
    @EnumSource(Concurrency.class)
    void scatteredSurvivors_keepTheirSlabsAndValues_andSweepsStayFew(Concurrency mode) {
        try (OffHeapMap<Long, String> map = builder(mode).open()) {
            TableStore<?, ?> store = (TableStore<?, ?>) map;
            Map<Long, String> oracle = fill(map, 0, N);
            for (int round = 0; round < 3; round++) {
                // Every tenth key lives on: each slab keeps about five entries, so none is wholly free.
                for (long k = 0; k < N; k++) {
                    if (k % 10 != 0 && oracle.remove(k) != null) {
                        map.remove(k);
                    }
                }
                assertHolds(map, oracle);
                for (long k = 0; k < N; k++) {
                    if (k % 10 != 0) {
                        map.put(k, value(k));
                        oracle.put(k, value(k));
                    }
                }
                assertHolds(map, oracle);
            }
            // 3 × 45,000 frees past the half-free mark: without the doubling rule, a sweep each.
            assertTrue(store.slabSweeps() <= 30, () -> store.slabSweeps() + " sweeps");
        }
    }

    @ParameterizedTest
    @EnumSource(value = ReleasePolicy.class, names = {"PUNCH_HOLE", "DONTNEED"})
    void reopeningAFile_givesBackTheSlabsNothingReaches(ReleasePolicy policy) {
        Path file = dir.resolve("slabs-" + policy + ".hmap");
        Map<Long, String> oracle;
        try (OffHeapMap<Long, String> map = builder(Concurrency.SINGLE_WRITER).persistTo(file).releasePolicy(policy)
                .open()) {
            oracle = fill(map, 0, N);
            // 40 % deleted: under the half-free mark, so no sweep gives anything back yet.
            for (long k = 0; k < N * 4 / 10; k++) {
                map.remove(k);
                oracle.remove(k);
            }
            assertEquals(0, ((TableStore<?, ?>) map).slabsReleased());
        }
        try (OffHeapMap<Long, String> map = builder(Concurrency.SINGLE_WRITER).persistTo(file).releasePolicy(policy)
                .open()) {
            long expected = 4L * N / 10 * ENTRY_BLOCK;
            long releasedSlabs = ((TableStore<?, ?>) map).slabsReleased() * SmallBlocks.SLAB_BYTES;
            assertTrue(releasedSlabs >= expected * 8 / 10,
                    () -> "released " + releasedSlabs + " bytes of slabs on open; deleted entries filled " + expected);
            assertHolds(map, oracle);
            oracle.putAll(fill(map, N, N + N / 2));
            assertHolds(map, oracle);
        }
        try (OffHeapMap<Long, String> map = builder(Concurrency.SINGLE_WRITER).persistTo(file).releasePolicy(policy)
                .open()) {
            assertHolds(map, oracle);
        }
    }
}

package io.hmapstore.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hmapstore.Codecs;
import io.hmapstore.Concurrency;
import io.hmapstore.OffHeapMap;
import io.hmapstore.table.HashTable;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@code compact()} walks each segment {@value Compaction#WALK_SLICE} chains per hold of its write lock,
 * so a writer of the segment waits for one slice, not for the walk of the whole segment. Each hold of a
 * concurrent store's segment lock moves the segment's stamp on by two, so with no other writer the
 * stamps count the holds. The store is sized for its 200,000 entries, so its segments keep their
 * arrays (a segment never shrinks below its first) after 95 % of them are deleted.
 */
class CompactionSlicesTest {

    @Test
    void compact_releasesEachSegmentBetweenSlices_andLosesNothing() {
        try (TableStore<Long, String> store = (TableStore<Long, String>) OffHeapMap.of(Codecs.longs(), Codecs.utf8())
                .concurrency(Concurrency.CONCURRENT).expectedEntries(200_000).open()) {
            Map<Long, String> oracle = new HashMap<>();
            SplittableRandom random = new SplittableRandom(12);
            for (long k = 0; k < 200_000; k++) {
                String v = "value " + k;
                store.put(k, v);
                oracle.put(k, v);
            }
            for (long k = 0; k < 200_000; k++) {
                if (random.nextInt(100) < 95) {
                    store.remove(k);
                    oracle.remove(k);
                }
            }
            HashTable table = store.table();
            long[] before = new long[table.segments];
            for (int s = 0; s < table.segments; s++) {
                before[s] = table.readStamp(s);
            }
            long compactedBefore = store.stats().compactedBytes();

            store.compact();

            assertTrue(store.stats().compactedBytes() > compactedBefore, "the compaction moved entries");
            for (int s = 0; s < table.segments; s++) {
                long holds = (table.readStamp(s) - before[s]) / 2;
                long chains = 1L << table.log2Buckets(s);
                long slices = (chains + Compaction.WALK_SLICE - 1) / Compaction.WALK_SLICE;
                assertTrue(slices >= 4, "segment " + s + " has " + chains + " chains: too few to show slices");
                assertTrue(holds >= slices, "segment " + s + ": " + chains + " chains walked in " + holds
                        + " holds of its lock; slices of " + Compaction.WALK_SLICE + " take at least " + slices);
            }
            assertEquals(oracle, new HashMap<>(store));
            assertTrue(store.verify().isClean(), store.verify().problems().toString());
        }
    }
}

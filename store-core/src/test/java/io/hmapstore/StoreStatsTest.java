package io.hmapstore;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link StoreStats#toString()}: what a user printing a store's figures reads. */
class StoreStatsTest {

    @Test
    void toString_printsArraysByTheirElements_andEveryComponent() {
        StoreStats stats;
        try (OffHeapMap<Long, Long> store = OffHeapMap.of(Codecs.longs(), Codecs.longs())
                .concurrency(Concurrency.SINGLE_WRITER).open()) {
            for (long i = 0; i < 100; i++) {
                store.putLong(i, i);
            }
            stats = store.stats();
        }
        String s = stats.toString();
        assertFalse(s.contains("[I@") || s.contains("[J@"), s);
        assertTrue(s.startsWith("StoreStats[entries=100, segments=1, bucketsLog2=[" + stats.bucketsLog2()[0] + "], "), s);
        assertTrue(s.contains(", segmentEntries=[100], "), s);
        assertTrue(s.contains(", chainLengthHistogram=[0, "), s);
        for (java.lang.reflect.RecordComponent c : StoreStats.class.getRecordComponents()) {
            assertTrue(s.contains("[" + c.getName() + "=") || s.contains(", " + c.getName() + "="), c.getName() + ": " + s);
        }
    }
}

package io.hmapstore.jcstress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hmapstore.OffHeapMap;
import io.hmapstore.StoreStats;
import io.hmapstore.inspect.StoreProbe;
import org.junit.jupiter.api.Test;

/**
 * The jcstress growth tests only mean something if their inserts really resize the stable key's
 * segment while the reader runs; these run the writer actors alone and check that they do.
 */
class PresentThroughGrowthSizingTest {

    @Test
    void keys_shareStableKeysSegment_always() {
        try (OffHeapMap<Long, Long> store = Stores.longs()) {
            int segment = StoreProbe.of(store).segmentOf(PresentThroughGrowth.STABLE);
            assertEquals(PresentThroughGrowth.GROWERS, PresentThroughGrowth.KEYS.length);
            for (long k : PresentThroughGrowth.KEYS) {
                assertEquals(segment, StoreProbe.of(store).segmentOf(k), "key " + k);
            }
        }
    }

    @Test
    void growthWriter_doublesStableKeysSegmentTwice_fromOneBucket() {
        PresentThroughGrowth test = new PresentThroughGrowth();
        OffHeapMap<Long, Long> store = test.store;
        int segment = StoreProbe.of(store).segmentOf(PresentThroughGrowth.STABLE);
        StoreStats before = store.stats();
        assertEquals(0, before.bucketsLog2()[segment], "the segment starts with one bucket");

        test.writer();

        StoreStats after = store.stats();
        assertEquals(2, after.growths() - before.growths(), "doublings while the writer ran");
        assertEquals(2, after.bucketsLog2()[segment], "B of the stable key's segment");
        assertTrue(store.verify().isClean());
        store.close();
    }

    @Test
    void shrinkWriter_halvesStableKeysSegmentTwice_fromFourBuckets() {
        PresentThroughShrink test = new PresentThroughShrink();
        OffHeapMap<Long, Long> store = test.store;
        int segment = StoreProbe.of(store).segmentOf(PresentThroughGrowth.STABLE);
        StoreStats before = store.stats();
        assertEquals(2, before.bucketsLog2()[segment], "the segment starts with four buckets");

        test.writer();

        StoreStats after = store.stats();
        assertEquals(2, after.shrinks() - before.shrinks(), "halvings while the writer ran");
        assertEquals(0, after.bucketsLog2()[segment], "B of the stable key's segment");
        assertTrue(store.verify().isClean());
        store.close();
    }
}

package io.hmapstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * When a segment grows. Go's rule is two tests: past 6.5 entries a bucket it doubles; with about as many
 * overflow buckets as regular ones it rehashes at the same size. Go writes the second with B capped at
 * 15 because past that its overflow counter is sampled; counting exactly, as this store does, the cap
 * would rehash a large segment at the same size again and again while it merely fills.
 */
class GrowthPolicyTest {

    @Test
    void fillingALargeSegment_onlyDoublesIt() {
        try (OffHeapMap<Long, Long> map = OffHeapMap.of(Codecs.longs(), Codecs.longs())
                .concurrency(Concurrency.SINGLE_WRITER).open()) {
            long n = 2_200_000;
            for (long k = 0; k < n; k++) {
                map.putLong(k * 0x9E3779B97F4A7C15L, k);
            }
            StoreStats stats = map.stats();
            assertEquals(1, stats.segments(), "a single-writer store of this size has one segment");
            assertTrue(stats.bucketsLog2()[0] >= 16, "the segment passed B = 15: B = " + stats.bucketsLog2()[0]);
            assertEquals(0, stats.sameSizeGrowths(), "same-size growths while only inserting: " + stats);
            assertEquals(n, map.size());
            // Each doubling moves every entry once: far fewer evacuated buckets than a rehash per fill step.
            assertTrue(stats.evacuations() < (1L << stats.bucketsLog2()[0]),
                    "evacuated " + stats.evacuations() + " buckets for 2^" + stats.bucketsLog2()[0]);
        }
    }
}

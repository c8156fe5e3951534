package io.hmapstore.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ZipfTest {

    @Test
    void next_drawsTheTopRanksAtTheirProbability() {
        Zipf zipf = new Zipf(100_000, 0.99);
        SplittableRandom random = new SplittableRandom(1);
        int draws = 1_000_000;
        int[] top = new int[3];
        for (int i = 0; i < draws; i++) {
            long r = zipf.next(random);
            assertTrue(r >= 0 && r < 100_000, "rank " + r);
            if (r < top.length) {
                top[(int) r]++;
            }
        }
        // Rejection-inversion is exact: each frequency within ~4 standard errors of its probability.
        assertEquals(zipf.probability(0), top[0] / (double) draws, 0.002);
        assertEquals(zipf.probability(1), top[1] / (double) draws, 0.002);
        assertEquals(zipf.probability(2), top[2] / (double) draws, 0.002);
    }

    @Test
    void keyStreams_keysAreDistinctAndDisjointFromMissesAndFreshKeys() {
        int size = 50_000;
        Set<Long> stored = new HashSet<>();
        for (int i = 0; i < size; i++) {
            assertTrue(stored.add(KeyStreams.key(i)));
        }
        KeyStreams s = KeyStreams.of(size, KeyStreams.Dist.zipf);
        for (int i = 0; i <= s.mask; i++) {
            assertTrue(stored.contains(s.hits[i]));
            assertTrue(!stored.contains(s.misses[i]));
            assertEquals(s.hits[i], s.boxedHits[i].longValue());
        }
        for (int t = 0; t < 2; t++) {
            for (int n = 0; n < 1000; n++) {
                assertTrue(!stored.contains(KeyStreams.freshKey(t, n)));
            }
        }
    }
}

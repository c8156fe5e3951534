package io.hmapstore.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hmapstore.CacheStats;
import io.hmapstore.Codecs;
import io.hmapstore.Concurrency;
import io.hmapstore.OffHeapMap;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** Bounds, eviction and expiry, driven well past their limits. */
class CacheFeaturesTest {

    @ParameterizedTest
    @EnumSource(Concurrency.class)
    void maxEntries_neverExceeded_whenTenTimesTheBoundIsWritten(Concurrency mode) {
        long bound = 5_000;
        try (OffHeapMap<Long, String> cache = OffHeapMap.of(Codecs.longs(), Codecs.utf8()).maxEntries(bound)
                .concurrency(mode).open()) {
            long mappedAfterFirstFill = 0;
            for (long k = 0; k < 10 * bound; k++) {
                cache.put(k, "value " + k);
                assertTrue(cache.size() <= bound, "size " + cache.size() + " after " + (k + 1) + " puts");
                if (k == bound) {
                    mappedAfterFirstFill = cache.stats().mappedBytes();
                }
            }
            CacheStats stats = cache.cacheStats();
            assertEquals(bound, stats.entries());
            assertEquals(9 * bound, stats.evictions());
            assertEquals(10 * bound, stats.puts());
            // Evicted entries' memory is reused: ten times the bound maps no more than the first fill did
            // plus slack for one more slab per size class.
            assertTrue(cache.stats().mappedBytes() <= mappedAfterFirstFill * 2,
                    cache.stats().mappedBytes() + " mapped after 10x, " + mappedAfterFirstFill + " after the first fill");
            assertTrue(cache.verify().isClean());
        }
    }

    @ParameterizedTest
    @EnumSource(Concurrency.class)
    void maxBytes_isAHardBound_onMappedMemory(Concurrency mode) {
        long bound = 8L << 20;
        try (OffHeapMap<Long, byte[]> cache = OffHeapMap.of(Codecs.longs(), Codecs.bytes()).maxBytes(bound)
                .concurrency(mode).open()) {
            long written = 0;
            for (long k = 0; written < 10 * bound; k++) {
                byte[] value = new byte[100 + (int) (k % 400)];
                cache.put(k, value);
                written += value.length;
                assertTrue(cache.cacheStats().mappedBytes() <= bound);
            }
            assertTrue(cache.cacheStats().evictions() > 0);
            assertTrue(cache.size() > 1_000, "the bound holds thousands of entries: " + cache.size());
            assertTrue(cache.verify().isClean());
        }
    }

    @Test
    void s3fifo_keepsTheHotKeys_thatFifoWouldEvict() {
        // A hot set read between every insert survives a stream of one-hit wonders ten times the bound.
        try (OffHeapMap<Long, Long> cache = OffHeapMap.of(Codecs.longs(), Codecs.longs()).maxEntries(1_000)
                .concurrency(Concurrency.SINGLE_WRITER).open()) {
            for (long hot = 0; hot < 100; hot++) {
                cache.putLong(hot, hot);
            }
            for (long cold = 1_000_000; cold < 1_010_000; cold++) {
                cache.putLong(cold, cold);
                long hot = cold % 100;
                assertEquals(hot, cache.getLong(hot, -1), "hot key " + hot + " evicted");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Concurrency.class)
    void expireAfterWrite_neverReturnsExpired_andCleanUpReclaimsTheMemory(Concurrency mode) {
        AtomicLong now = new AtomicLong(1_000_000);
        try (OffHeapMap<Long, String> cache = OffHeapMap.of(Codecs.longs(), Codecs.utf8())
                .expireAfterWrite(Duration.ofSeconds(10)).clock(now::get).concurrency(mode).open()) {
            for (long k = 0; k < 20_000; k++) {
                cache.put(k, "value " + k);
            }
            cache.put(7L, "long-lived", Duration.ofMinutes(5));
            long inUse = cache.stats().heapBytesInUse();
            now.addAndGet(9_999);
            assertEquals("value 1", cache.get(1L), "not yet expired");
            now.addAndGet(2);
            assertNull(cache.get(1L));
            assertTrue(!cache.containsKey(2L));
            assertEquals("long-lived", cache.get(7L));
            long iterated = 0;
            for (var e : cache.entrySet()) {
                assertEquals(7L, e.getKey(), "iteration skips expired entries");
                iterated++;
            }
            assertEquals(1, iterated);
            // size() and isEmpty() agree with iteration before any sweep has removed the expired entries.
            assertEquals(1, cache.size());
            assertTrue(!cache.isEmpty());
            cache.cleanUp();
            assertEquals(1, cache.size());
            now.addAndGet(Duration.ofMinutes(5).toMillis());
            assertEquals(0, cache.size(), "the long-lived entry expired too, unswept");
            assertTrue(cache.isEmpty());
            assertTrue(!cache.entrySet().iterator().hasNext());
            now.addAndGet(-Duration.ofMinutes(5).toMillis());
            assertEquals(19_999, cache.cacheStats().expirations());
            assertTrue(cache.stats().heapBytesInUse() < inUse / 4, "expired entries' memory came back");
            assertTrue(cache.verify().isClean());
        }
    }

    @Test
    void perEntryTtl_needsAnExpiringStore() {
        try (OffHeapMap<Long, Long> plain = OffHeapMap.of(Codecs.longs(), Codecs.longs()).open()) {
            assertThrows(UnsupportedOperationException.class, () -> plain.put(1L, 2L, Duration.ofSeconds(1)));
        }
    }

    @Test
    void cacheStats_countHitsAndMisses() {
        try (OffHeapMap<Long, Long> cache = OffHeapMap.of(Codecs.longs(), Codecs.longs()).maxEntries(100).open()) {
            SplittableRandom random = new SplittableRandom(1);
            long hits = 0;
            long misses = 0;
            for (int i = 0; i < 10_000; i++) {
                long k = random.nextInt(200);
                if (cache.getLong(k, -1) >= 0) {
                    hits++;
                } else {
                    misses++;
                    cache.putLong(k, k);
                }
            }
            assertEquals(hits, cache.cacheStats().hits());
            assertEquals(misses, cache.cacheStats().misses());
            assertEquals((double) hits / (hits + misses), cache.cacheStats().hitRatio(), 1e-12);
        }
    }

    @Test
    void boundedFile_reopens_withItsEntriesQueued(@TempDir Path dir) {
        Path file = dir.resolve("cache.hmap");
        try (OffHeapMap<Long, Long> cache = OffHeapMap.of(Codecs.longs(), Codecs.longs()).maxEntries(1_000)
                .persistTo(file).open()) {
            for (long k = 0; k < 5_000; k++) {
                cache.putLong(k, k);
            }
        }
        try (OffHeapMap<Long, Long> cache = OffHeapMap.of(Codecs.longs(), Codecs.longs()).maxEntries(1_000)
                .persistTo(file).open()) {
            assertEquals(1_000, cache.size());
            for (long k = 10_000; k < 12_000; k++) {
                cache.putLong(k, k);
            }
            assertEquals(1_000, cache.size(), "reopened entries are evictable");
            assertTrue(cache.verify().isClean());
        }
        io.hmapstore.StoreException wrong = assertThrows(io.hmapstore.StoreException.class,
                () -> OffHeapMap.of(Codecs.longs(), Codecs.longs()).persistTo(file).open());
        assertTrue(wrong.getMessage().contains("with a bound"), wrong.getMessage());
    }
}

package io.hmapstore.jcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hmapstore.CacheStats;
import io.hmapstore.Codecs;
import java.io.Serializable;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link HmapConfiguration}'s bounds ({@code maxEntries}, {@code maxBytes}) and file ({@code persistTo}):
 * a bounded cache stays within its bound, keeps only right values and counts its evictions; a cache on a
 * file comes back with its entries after a restart, and refuses a file written with other codecs.
 */
class BoundedAndPersistentCacheTest extends ProviderTestBase {

    private CacheManager manager;

    @TempDir
    Path dir;

    @BeforeEach
    void open() {
        manager = manager(provider, "bounded");
    }

    private CacheManager manager(CachingProvider p, String name) {
        return p.getCacheManager(URI.create("urn:hmapstore:" + name), getClass().getClassLoader());
    }

    /** Every entry the cache still holds, checked against what was put. */
    private static <K, V> Map<K, V> contents(Cache<K, V> cache, Map<K, V> written) {
        Map<K, V> held = new HashMap<>();
        for (Cache.Entry<K, V> e : cache) {
            assertEquals(written.get(e.getKey()), e.getValue(), () -> "value of " + e.getKey());
            held.put(e.getKey(), e.getValue());
        }
        return held;
    }

    @Test
    void maxEntries_keepsTheCacheWithinItsBound_andCountsEachEviction() {
        Cache<Long, String> cache = manager.createCache("users", HmapConfiguration.of(Codecs.longs(), Codecs.utf8())
                .maxEntries(1_000).setStatisticsEnabled(true));
        Map<Long, String> written = new HashMap<>();
        for (long k = 0; k < 20_000; k++) {
            cache.put(k, "user-" + k);
            written.put(k, "user-" + k);
        }
        HmapCache<?, ?> hmap = cache.unwrap(HmapCache.class);
        Map<Long, String> held = contents(cache, written);
        assertTrue(held.size() <= 1_000, () -> held.size() + " entries held over a bound of 1,000");
        assertTrue(held.size() >= 900, () -> "only " + held.size() + " entries held: eviction took too many");
        assertEquals(held.size(), hmap.size());
        assertEquals(20_000, hmap.statistics().getCachePuts());
        assertEquals(20_000 - held.size(), hmap.statistics().getCacheEvictions(), "one eviction per entry gone");
        for (Map.Entry<Long, String> e : held.entrySet()) {
            assertEquals(e.getValue(), cache.get(e.getKey()));
        }

        hmap.statistics().clear();
        assertEquals(0, hmap.statistics().getCacheEvictions(), "clear() starts the count again");
        for (long k = 20_000; k < 20_100; k++) {
            cache.put(k, "user-" + k);
        }
        assertEquals(100, hmap.statistics().getCacheEvictions(), "a full cache evicts one entry per new one");
    }

    @Test
    void evictionsWhileStatisticsAreOff_areNotReported() {
        Cache<Long, Long> cache = manager.createCache("quiet", HmapConfiguration.of(Codecs.longs(), Codecs.longs())
                .maxEntries(100));
        for (long k = 0; k < 1_000; k++) {
            cache.put(k, k);
        }
        HmapCache<?, ?> hmap = cache.unwrap(HmapCache.class);
        assertEquals(0, hmap.statistics().getCacheEvictions(), "statistics were off");
        manager.enableStatistics("quiet", true);
        assertEquals(0, hmap.statistics().getCacheEvictions(), "turning them on does not report the earlier ones");
        for (long k = 1_000; k < 1_050; k++) {
            cache.put(k, k);
        }
        assertEquals(50, hmap.statistics().getCacheEvictions());
        manager.enableStatistics("quiet", false);
        for (long k = 1_050; k < 1_100; k++) {
            cache.put(k, k);
        }
        assertEquals(50, hmap.statistics().getCacheEvictions(), "off again: the count stands still");
    }

    @Test
    void maxBytes_keepsTheStoreWithinItsMemory() {
        long bound = 4L << 20;
        Cache<Long, String> cache = manager.createCache("pages", HmapConfiguration.of(Codecs.longs(), Codecs.utf8())
                .maxBytes(bound).setStatisticsEnabled(true));
        String page = "x".repeat(1_000);
        Map<Long, String> written = new HashMap<>();
        for (long k = 0; k < 20_000; k++) {  // ~20 MB of values
            cache.put(k, page + k);
            written.put(k, page + k);
        }
        HmapCache<?, ?> hmap = cache.unwrap(HmapCache.class);
        CacheStats stats = hmap.storeStats();
        assertTrue(stats.bytesInUse() <= bound, () -> stats.bytesInUse() + " bytes in use over a bound of " + bound);
        Map<Long, String> held = contents(cache, written);
        assertTrue(held.size() > 1_000, () -> "only " + held.size() + " 1-KB entries kept in 4 MiB");
        assertEquals(20_000 - held.size(), hmap.statistics().getCacheEvictions());
        assertEquals(stats.evictions(), hmap.statistics().getCacheEvictions());
    }

    /**
     * Issue 10's JCache case: a 16 MiB cache once failed at put #139,066 with a raw store exception. Ten
     * times its capacity through {@code Cache.put}, anonymous and file-backed: no exception, the mapped
     * bytes never past the bound (read as it runs), the last keys written still there.
     */
    @Test
    void maxBytes_evictsAndNeverFails_atTenTimesItsCapacity() {
        long bound = 16L << 20;
        for (boolean file : new boolean[] {false, true}) {
            HmapConfiguration<Long, String> config = HmapConfiguration.of(Codecs.longs(), Codecs.utf8()).maxBytes(bound);
            Cache<Long, String> cache = manager.createCache("bounded-" + file,
                    file ? config.persistTo(dir.resolve("bounded.hmap")) : config);
            HmapCache<?, ?> hmap = cache.unwrap(HmapCache.class);
            long capacity = 0;
            long k = 0;
            for (; capacity == 0 || k < 10 * capacity; k++) {
                cache.put(k, "value number " + k);
                if (capacity == 0 && hmap.storeStats().evictions() > 0) {
                    capacity = k;
                }
                if (k % 1024 == 0) {
                    long mapped = hmap.storeStats().mappedBytes();
                    assertTrue(mapped <= bound, mapped + " bytes mapped after " + k + " puts, bound " + bound);
                }
            }
            assertTrue(capacity > 100_000, "a 16 MiB cache holds " + capacity + " short strings");
            for (long recent = k - 100; recent < k; recent++) {
                assertEquals("value number " + recent, cache.get(recent));
            }
            assertTrue(hmap.storeStats().mappedBytes() <= bound);
            manager.destroyCache("bounded-" + file);
        }
    }

    @Test
    void aDamagedFile_isACacheException_withTheStoresCause() throws java.io.IOException {
        Path file = dir.resolve("damaged.hmap");
        manager.createCache("damaged", HmapConfiguration.of(Codecs.longs(), Codecs.utf8()).persistTo(file)).put(1L, "one");
        manager.destroyCache("damaged");
        byte[] bytes = java.nio.file.Files.readAllBytes(file);
        bytes[0] ^= 0x5A;  // the superblock's magic
        java.nio.file.Files.write(file, bytes);
        javax.cache.CacheException e = assertThrows(javax.cache.CacheException.class, () -> manager.createCache("damaged",
                HmapConfiguration.of(Codecs.longs(), Codecs.utf8()).persistTo(file)));
        assertTrue(e.getCause() instanceof io.hmapstore.StoreException, () -> "cause: " + e.getCause());
        assertTrue(e.getMessage().contains("damaged") && e.getMessage().contains(file.toString()), e::getMessage);
    }

    @Test
    void persistTo_bringsTheEntriesBackAfterARestart() {
        Path file = dir.resolve("users.hmap");
        HmapConfiguration<Long, String> config = HmapConfiguration.of(Codecs.longs(), Codecs.utf8()).persistTo(file);
        Cache<Long, String> cache = manager.createCache("users", config);
        Map<Long, String> written = new HashMap<>();
        for (long k = 0; k < 5_000; k++) {
            cache.put(k, "user-" + k);
            written.put(k, "user-" + k);
        }
        cache.remove(7L);
        written.remove(7L);
        provider.close();  // a restart: every manager and store closed

        provider = new HmapCachingProvider();
        manager = manager(provider, "bounded");
        Cache<Long, String> reopened = manager.createCache("users", config);
        assertEquals(written, contents(reopened, written));
        assertNull(reopened.get(7L));
        assertEquals(file.toAbsolutePath(), configurationOf(reopened).getPersistPath());
    }

    @Test
    void persistTo_refusesAFileWrittenWithOtherCodecs_namingBoth() {
        Path file = dir.resolve("typed.hmap");
        manager.createCache("typed", HmapConfiguration.of(Codecs.longs(), Codecs.utf8()).persistTo(file)).put(1L, "one");
        manager.destroyCache("typed");

        Exception e = assertThrows(RuntimeException.class, () -> manager.createCache("typed",
                HmapConfiguration.of(Codecs.longs(), Codecs.longs()).persistTo(file)));
        assertTrue(e.getMessage().contains(Codecs.utf8().id()) && e.getMessage().contains(Codecs.longs().id()),
                e::getMessage);
    }

    @Test
    void persistTo_refusesAFileOfSerializedValuesOfAnotherType() {
        Path file = dir.resolve("serialized.hmap");
        manager.createCache("s", new HmapConfiguration<String, String>().setTypes(String.class, String.class)
                .persistTo(file)).put("k", "v");
        manager.destroyCache("s");

        Exception e = assertThrows(RuntimeException.class, () -> manager.createCache("s",
                new HmapConfiguration<String, Integer>().setTypes(String.class, Integer.class).persistTo(file)));
        assertTrue(e.getMessage().contains("java.lang.String") && e.getMessage().contains("java.lang.Integer"),
                e::getMessage);
    }

    /** Two serializable types whose names share a long tail. */
    static final class AVeryLongTypeNameThatWillNotFitTheStoresCodecRecord implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    static final class BVeryLongTypeNameThatWillNotFitTheStoresCodecRecord implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    @Test
    void serializedTypes_areNamedInTheFile_longNamesShortenedButStillApart() {
        ClassLoader loader = getClass().getClassLoader();
        assertEquals("java-serialization:java.lang.String",
                HmapCache.storedId(new SerializingCodec<>(String.class, loader), String.class));
        String a = HmapCache.storedId(new SerializingCodec<>(Object.class, loader),
                AVeryLongTypeNameThatWillNotFitTheStoresCodecRecord.class);
        String b = HmapCache.storedId(new SerializingCodec<>(Object.class, loader),
                BVeryLongTypeNameThatWillNotFitTheStoresCodecRecord.class);
        assertTrue(a.length() <= 48 && b.length() <= 48, a + " / " + b);
        assertTrue(a.contains("TheStoresCodecRecord#"), a);
        assertNotEquals(a, b, "the CRC of the whole name tells them apart");

        Path file = dir.resolve("long.hmap");
        manager.createCache("long", new HmapConfiguration<String, AVeryLongTypeNameThatWillNotFitTheStoresCodecRecord>()
                .setTypes(String.class, AVeryLongTypeNameThatWillNotFitTheStoresCodecRecord.class).persistTo(file))
                .put("k", new AVeryLongTypeNameThatWillNotFitTheStoresCodecRecord());
        manager.destroyCache("long");
        assertThrows(RuntimeException.class, () -> manager.createCache("long",
                new HmapConfiguration<String, BVeryLongTypeNameThatWillNotFitTheStoresCodecRecord>()
                        .setTypes(String.class, BVeryLongTypeNameThatWillNotFitTheStoresCodecRecord.class).persistTo(file)));
    }

    @Test
    void aFileHeldByOneCache_isRefusedToAnother() {
        Path file = dir.resolve("shared.hmap");
        HmapConfiguration<Long, Long> config = HmapConfiguration.of(Codecs.longs(), Codecs.longs()).persistTo(file);
        manager.createCache("first", config);
        CacheManager other = manager(provider, "other");
        Exception e = assertThrows(RuntimeException.class, () -> other.createCache("second", config));
        assertTrue(e.getMessage().contains(file.getFileName().toString()), e::getMessage);
    }

    @Test
    void badBounds_areRefusedWhenConfigured() {
        HmapConfiguration<Long, Long> config = HmapConfiguration.of(Codecs.longs(), Codecs.longs());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> config.maxEntries(0)).getMessage()
                .contains("maxEntries must be at least 1, was 0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> config.maxBytes(4096)).getMessage()
                .contains("maxBytes must be at least 1 MiB, was 4096"));
        assertThrows(NullPointerException.class, () -> config.persistTo(null));
        assertEquals(0, config.getMaxEntries(), "a refused bound leaves the configuration as it was");
    }

    @Test
    void theCachesConfiguration_keepsTheBoundsAndTheFile() {
        Path file = dir.resolve("c.hmap");
        Cache<Long, Long> cache = manager.createCache("c", HmapConfiguration.of(Codecs.longs(), Codecs.longs())
                .maxEntries(500).maxBytes(8L << 20).persistTo(file));
        HmapConfiguration<?, ?> seen = configurationOf(cache);
        assertEquals(500, seen.getMaxEntries());
        assertEquals(8L << 20, seen.getMaxBytes());
        assertEquals(file.toAbsolutePath(), seen.getPersistPath());
        CacheStats stats = cache.unwrap(HmapCache.class).storeStats();
        assertEquals(500, stats.maxEntries(), "the store got the bound");
        assertEquals(8L << 20, stats.maxBytes());
    }
}

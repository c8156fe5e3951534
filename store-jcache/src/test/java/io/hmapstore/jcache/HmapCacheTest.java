package io.hmapstore.jcache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hmapstore.Codecs;
import io.hmapstore.OffHeapMap;
import io.hmapstore.memory.MappedRegion;
import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.event.EventType;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.spi.CachingProvider;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the TCK does not check: that stores are unmapped, that the store's codecs are used, that
 * asynchronous listeners hear a key's events in order, that {@code invoke} is atomic under
 * contention. Each test uses its own provider instance and manager URI, and leaves no mapping.
 */
class HmapCacheTest {

    private CachingProvider provider;
    private CacheManager manager;
    private long regionsBefore;

    @BeforeEach
    void open() {
        regionsBefore = MappedRegion.openRegions();
        provider = new HmapCachingProvider();
        manager = provider.getCacheManager(URI.create("urn:hmapstore:test"), getClass().getClassLoader());
    }

    @AfterEach
    void closeAndCheckForLeaks() {
        provider.close();
        assertEquals(regionsBefore, MappedRegion.openRegions(), "every store a cache opened is unmapped");
    }

    @Test
    void serviceLoader_findsTheProvider() {
        assertTrue(Caching.getCachingProvider() instanceof HmapCachingProvider);
    }

    @Test
    void closingTheManager_unmapsEveryStore_andDestroyUnmapsOne() {
        Cache<String, String> a = manager.createCache("a", new MutableConfiguration<>());
        Cache<Long, String> b = manager.createCache("b", HmapConfiguration.of(Codecs.longs(), Codecs.utf8()));
        manager.createCache("c", new MutableConfiguration<>());
        a.put("k", "v");
        b.put(1L, "one");
        assertEquals(regionsBefore + 3, MappedRegion.openRegions());

        manager.destroyCache("c");
        assertEquals(regionsBefore + 2, MappedRegion.openRegions());

        manager.close();
        assertTrue(a.isClosed() && b.isClosed());
        assertEquals(regionsBefore, MappedRegion.openRegions());
        assertThrows(IllegalStateException.class, () -> a.get("k"));
        assertNotSame(manager, provider.getCacheManager(manager.getURI(), manager.getClassLoader()));
    }

    @Test
    void storeCodecs_keepLongsInline_andRoundTrip() {
        Cache<Long, Long> cache = manager.createCache("longs",
                HmapConfiguration.of(Codecs.longs(), Codecs.longs()).expectedEntries(10_000));
        for (long i = 0; i < 10_000; i++) {
            cache.put(i, i * i);
        }
        assertEquals(9L, cache.get(3L));
        assertEquals(10_000, cache.unwrap(HmapCache.class).size());
        long sum = 0;
        for (Cache.Entry<Long, Long> e : cache) {
            sum += e.getKey();
        }
        assertEquals(10_000L * 9_999 / 2, sum);
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void storeCodecs_rejectForeignTypes_withClassCastException() {
        Cache raw = manager.createCache("typed", HmapConfiguration.of(Codecs.longs(), Codecs.utf8()));
        assertThrows(ClassCastException.class, () -> raw.put("not a long", "v"));
        assertThrows(ClassCastException.class, () -> raw.put(1L, 2L));
    }

    @Test
    void codecThatContradictsTheTypes_isRefusedAtCreation() {
        HmapConfiguration<Long, String> config = HmapConfiguration.of(Codecs.longs(), Codecs.utf8());
        @SuppressWarnings({"unchecked", "rawtypes"})
        HmapConfiguration<Long, String> wrong = config.setTypes((Class) String.class, String.class);
        assertThrows(IllegalArgumentException.class, () -> manager.createCache("wrong", wrong));
    }

    /** A key whose equal instances serialize to equal bytes, as a record of value types does. */
    record Point(int x, int y) implements Serializable {
    }

    @Test
    void serializedKeys_matchByTheirBytes_andValuesAreCopies() {
        Cache<Point, ArrayList<String>> cache = manager.createCache("points", new MutableConfiguration<>());
        ArrayList<String> value = new ArrayList<>(List.of("a"));
        cache.put(new Point(1, 2), value);
        value.add("changed after put");

        ArrayList<String> read = cache.get(new Point(1, 2));
        assertEquals(List.of("a"), read, "store by value: the cache kept a copy");
        read.add("changed after get");
        assertEquals(List.of("a"), cache.get(new Point(1, 2)));
        assertNull(cache.get(new Point(2, 1)));
    }

    @Test
    void storeByReference_isRefused() {
        MutableConfiguration<String, String> byReference = new MutableConfiguration<String, String>().setStoreByValue(false);
        assertThrows(UnsupportedOperationException.class, () -> manager.createCache("ref", byReference));
        assertFalse(provider.isSupported(javax.cache.configuration.OptionalFeature.STORE_BY_REFERENCE));
    }

    @Test
    void expiredEntry_isNeitherReturnedNorKept_andIsReportedExpired() throws InterruptedException {
        Recorder.EVENTS.clear();
        MutableConfiguration<String, String> config = new MutableConfiguration<String, String>()
                .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MILLISECONDS, 5)))
                .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
                        FactoryBuilder.factoryOf(Recorder.class), null, true, true));
        Cache<String, String> cache = manager.createCache("expiring", config);
        cache.put("k", "v");
        Thread.sleep(30);
        Iterator<Cache.Entry<String, String>> it = cache.iterator();
        assertFalse(it.hasNext());
        assertNull(cache.get("k"));
        assertEquals(0, cache.unwrap(HmapCache.class).size(), "the expired entry was removed");
        assertEquals(List.of("CREATED k=v", "EXPIRED k=v"), new ArrayList<>(Recorder.EVENTS));
    }

    @Test
    void asynchronousListener_hearsOneKeysEventsInOrder() throws InterruptedException {
        Recorder.EVENTS.clear();
        Cache<String, String> cache = manager.createCache("async", new MutableConfiguration<>());
        cache.registerCacheEntryListener(new MutableCacheEntryListenerConfiguration<>(
                FactoryBuilder.factoryOf(Recorder.class), null, true, false));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            cache.put("k", "v" + i);
            expected.add(i == 0 ? "CREATED k=v0" : "UPDATED k=v" + i + " old=v" + (i - 1));
            if (i % 50 == 49) {
                cache.remove("k");
                expected.add("REMOVED k=v" + i);
                cache.put("k", "again" + i);
                expected.add("CREATED k=again" + i);
                cache.put("k", "v" + i);
                expected.add("UPDATED k=v" + i + " old=again" + i);
            }
        }
        List<String> seen = new ArrayList<>();
        while (seen.size() < expected.size()) {
            String e = Recorder.EVENTS.poll(10, TimeUnit.SECONDS);
            if (e == null) {
                break;
            }
            seen.add(e);
        }
        assertEquals(expected, seen);
    }

    @Test
    void invoke_isAtomic_whenThreadsRaceOnOneKey() throws InterruptedException {
        Cache<String, Long> cache = manager.createCache("counter",
                HmapConfiguration.of(new SerializingCodec<>(String.class, null), Codecs.longs()));
        cache.put("n", 0L);
        Runnable add = () -> {
            for (int i = 0; i < 5_000; i++) {
                cache.invoke("n", (entry, args) -> {
                    entry.setValue(entry.getValue() + 1);
                    return null;
                });
            }
        };
        Thread t1 = new Thread(add);
        Thread t2 = new Thread(add);
        t1.start();
        t2.start();
        t1.join();
        t2.join();
        assertEquals(10_000L, cache.get("n"));
    }

    @Test
    void mxbeans_areRegisteredWhileEnabled_andGoneAfterClose() throws Exception {
        Cache<String, String> cache = manager.createCache("managed",
                new MutableConfiguration<String, String>().setStatisticsEnabled(true).setManagementEnabled(true));
        ObjectName stats = new ObjectName("javax.cache:type=CacheStatistics,CacheManager=urn.hmapstore.test,Cache=managed");
        ObjectName config = new ObjectName("javax.cache:type=CacheConfiguration,CacheManager=urn.hmapstore.test,Cache=managed");
        var server = ManagementFactory.getPlatformMBeanServer();
        cache.put("a", "1");
        cache.get("a");
        cache.get("b");
        assertEquals(1L, server.getAttribute(stats, "CacheHits"));
        assertEquals(1L, server.getAttribute(stats, "CacheMisses"));
        assertEquals(true, server.getAttribute(config, "StatisticsEnabled"));
        manager.enableStatistics("managed", false);
        assertFalse(server.isRegistered(stats));
        cache.close();
        assertFalse(server.isRegistered(config));
    }

    @Test
    @SuppressWarnings("unchecked")
    void configuration_isASnapshot() {
        Cache<String, String> cache = manager.createCache("snap", new MutableConfiguration<>());
        MutableConfiguration<String, String> copy = cache.getConfiguration(MutableConfiguration.class);
        copy.setStatisticsEnabled(true);
        assertFalse(cache.getConfiguration(MutableConfiguration.class).isStatisticsEnabled());
    }

    @Test
    void serializingCodec_worksAsAPlainStoreCodec() {
        SerializingCodec<Point> codec = new SerializingCodec<>(Point.class, null);
        try (OffHeapMap<Point, String> map = OffHeapMap.of(codec, Codecs.utf8()).open()) {
            map.put(new Point(3, 4), "five");
            assertEquals("five", map.get(new Point(3, 4)));
        }
        assertArrayEquals(codec.serialize(new Point(1, 1)), codec.serialize(new Point(1, 1)));
    }

    /** Records every event it hears as text, in a static queue the test reads. */
    public static final class Recorder implements CacheEntryCreatedListener<String, String>,
            CacheEntryUpdatedListener<String, String>, CacheEntryRemovedListener<String, String>,
            CacheEntryExpiredListener<String, String> {
        static final BlockingQueue<String> EVENTS = new LinkedBlockingQueue<>();

        private static void record(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
            for (CacheEntryEvent<? extends String, ? extends String> e : events) {
                EVENTS.add(e.getEventType() + " " + e.getKey() + "=" + e.getValue()
                        + (e.getEventType() == EventType.UPDATED ? " old=" + e.getOldValue() : ""));
            }
        }

        @Override
        public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
            record(events);
        }

        @Override
        public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
            record(events);
        }

        @Override
        public void onRemoved(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
            record(events);
        }

        @Override
        public void onExpired(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
            record(events);
        }
    }
}

package io.hmapstore.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hmapstore.Codecs;
import io.hmapstore.OffHeapMap;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The binder's meters exist under Micrometer's cache names and move as the store is used. */
class OffHeapMapMetricsTest {

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private OffHeapMap<Long, Long> map;

    @AfterEach
    void closeMap() {
        if (map != null) {
            map.close();
        }
        registry.close();
    }

    private double counter(String name, String... tags) {
        FunctionCounter c = registry.find(name).tags(tags).functionCounter();
        assertNotNull(c, () -> "no function counter " + name + " " + String.join(",", tags) + " in " + names());
        return c.count();
    }

    private double gauge(String name) {
        Gauge g = registry.find(name).tag("cache", "users").gauge();
        assertNotNull(g, () -> "no gauge " + name + " in " + names());
        return g.value();
    }

    private Set<String> names() {
        Set<String> names = new TreeSet<>();
        for (Meter m : registry.getMeters()) {
            names.add(m.getId().getName());
        }
        return names;
    }

    @Test
    void bindTo_registersMicrometerCacheNames_taggedWithCacheNameAndExtraTags() {
        map = OffHeapMap.of(Codecs.longs(), Codecs.longs()).maxEntries(100).open();
        new OffHeapMapMetrics(map, "users", Tags.of("tier", "l2")).bindTo(registry);

        assertEquals(Set.of("cache.gets", "cache.puts", "cache.evictions", "cache.size", "cache.expirations",
                "cache.fill.ratio", "cache.memory.used", "cache.memory.mapped", "cache.memory.resident",
                "cache.growths"), names());
        for (Meter m : registry.getMeters()) {
            assertEquals("users", m.getId().getTag("cache"), m.getId()::toString);
            assertEquals("l2", m.getId().getTag("tier"), m.getId()::toString);
        }
        // Micrometer's CacheMeterBinder splits gets by result, which dashboards divide for the hit ratio.
        assertNotNull(registry.find("cache.gets").tag("result", "hit").functionCounter());
        assertNotNull(registry.find("cache.gets").tag("result", "miss").functionCounter());
        assertEquals(BaseUnits.BYTES, registry.find("cache.memory.resident").gauge().getId().getBaseUnit());
    }

    @Test
    void getsPutsAndSize_move_asTheStoreIsUsed() {
        map = OffHeapMap.of(Codecs.longs(), Codecs.longs()).maxEntries(1_000).open();
        OffHeapMapMetrics.monitor(registry, map, "users");
        assertEquals(0, counter("cache.gets", "result", "hit"));
        assertEquals(0, counter("cache.gets", "result", "miss"));

        for (long k = 0; k < 50; k++) {
            map.put(k, k * 10);
        }
        for (long k = 0; k < 80; k++) {
            map.get(k);   // 50 hits, 30 misses
        }

        assertEquals(50, counter("cache.gets", "result", "hit"));
        assertEquals(30, counter("cache.gets", "result", "miss"));
        assertEquals(50, counter("cache.puts"));
        assertEquals(50, gauge("cache.size"));
        assertEquals(0.05, gauge("cache.fill.ratio"), 1e-9);
        assertTrue(gauge("cache.memory.used") > 0, "bytes in use after 50 puts");
        assertTrue(gauge("cache.memory.mapped") > 0, "mapped bytes of an open store");
        assertTrue(gauge("cache.memory.resident") > 0, "written pages are resident");
    }

    @Test
    void evictions_count_whenWritesPassTheBound() {
        map = OffHeapMap.of(Codecs.longs(), Codecs.longs()).maxEntries(100).open();
        OffHeapMapMetrics.monitor(registry, map, "users");

        for (long k = 0; k < 1_000; k++) {
            map.put(k, k);
        }

        assertEquals(1_000 - gauge("cache.size"), counter("cache.evictions"), "every entry past the bound evicted");
        assertTrue(counter("cache.evictions") >= 900, () -> "evictions " + counter("cache.evictions"));
        assertTrue(gauge("cache.size") <= 100, () -> "size " + gauge("cache.size"));
        assertTrue(gauge("cache.fill.ratio") <= 1.0 && gauge("cache.fill.ratio") > 0.5,
                () -> "fill ratio " + gauge("cache.fill.ratio"));
    }

    @Test
    void expirations_count_whenTheClockPassesTheTimeToLive() {
        AtomicLong millis = new AtomicLong(1_000_000);
        map = OffHeapMap.of(Codecs.longs(), Codecs.longs())
                .expireAfterWrite(Duration.ofMinutes(1)).clock(millis::get).open();
        OffHeapMapMetrics.monitor(registry, map, "users");
        for (long k = 0; k < 10; k++) {
            map.put(k, k);
        }

        millis.addAndGet(Duration.ofMinutes(2).toMillis());
        assertNull(map.get(3L));
        map.cleanUp();

        assertEquals(10, counter("cache.expirations"));
        assertEquals(0, gauge("cache.size"));
        assertEquals(1, counter("cache.gets", "result", "miss"), "a lookup of an expired entry is a miss");
    }

    @Test
    void memoryMeters_shareOneStatsSnapshot_untilItIsStatsMaxAgeOld() {
        map = OffHeapMap.of(Codecs.longs(), Codecs.longs()).expectedEntries(16).open();
        AtomicLong nanos = new AtomicLong();
        new OffHeapMapMetrics(map, "users", Tags.empty(), Duration.ofSeconds(1), nanos::get).bindTo(registry);
        double growthsBefore = counter("cache.growths");

        for (long k = 0; k < 10_000; k++) {
            map.put(k, k);
        }
        assertTrue(map.stats().growths() > growthsBefore, "the table must have grown for this test to mean anything");
        assertEquals(growthsBefore, counter("cache.growths"), "a snapshot younger than statsMaxAge is reused");

        nanos.addAndGet(Duration.ofSeconds(1).toNanos());
        assertEquals(map.stats().growths(), counter("cache.growths"), "an old snapshot is read again");
    }

    @Test
    void meters_keepTheirLastValues_afterTheMapIsClosed() {
        map = OffHeapMap.of(Codecs.longs(), Codecs.longs()).open();
        new OffHeapMapMetrics(map, "users", Tags.empty(), Duration.ZERO).bindTo(registry);
        map.put(1L, 1L);
        map.get(1L);
        double hits = counter("cache.gets", "result", "hit");
        double mapped = gauge("cache.memory.mapped");

        map.close();

        // A counter that dropped to 0 would read as a process restart; NaN would break rate queries.
        assertEquals(hits, counter("cache.gets", "result", "hit"));
        assertEquals(1, gauge("cache.size"));
        assertEquals(mapped, gauge("cache.memory.mapped"));
        assertFalse(Double.isNaN(gauge("cache.fill.ratio")));
    }
}

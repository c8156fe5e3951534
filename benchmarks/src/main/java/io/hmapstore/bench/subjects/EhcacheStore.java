package io.hmapstore.bench.subjects;

import org.ehcache.Cache;
import org.ehcache.CacheManager;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.CacheManagerBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;
import org.ehcache.config.units.MemoryUnit;
import org.ehcache.core.internal.statistics.DefaultStatisticsService;
import org.ehcache.core.spi.service.StatisticsService;
import org.ehcache.core.statistics.TierStatistics;

/**
 * Ehcache 3's off-heap tier alone: a cache whose only resource pool is {@code offheap}, sized in
 * {@link MemoryUnit#MB} for the most entries the run holds, {@code Long} keys (boxed in advance) and
 * {@code Long} or {@code byte[]} values, serialized into off-heap memory by Ehcache's own serializers. A get
 * deserializes the value (a new {@code Long}, or a new {@code byte[100]}: the copy out); a put serializes
 * the value it is given (a {@code Long} boxed from the {@code long}, or the handle's one payload array, as
 * Ehcache copies it in); {@code remove} returns nothing, so a remove answers {@code true}.
 *
 * <p>An off-heap tier that is full evicts, which would turn hits into misses: the pool is sized with room
 * to spare ({@link #megabytes}), and {@link #close()} throws if Ehcache's statistics count an eviction, so
 * a run that outgrew it fails rather than report a wrong figure. The tier takes its whole pool up front
 * (direct {@code ByteBuffer}s, allocated when the cache is made and freed when they are collected). No JVM
 * flag is needed on JDK 25.
 */
final class EhcacheStore implements Store {

    private static final String ALIAS = "peer";
    /** The tier's own tier name in Ehcache's statistics. */
    private static final String TIER = "OffHeap";

    private final CacheManager manager;
    private final StatisticsService statistics;
    private final Cache<Long, ?> cache;
    private final ValueKind kind;
    private boolean closed;

    private EhcacheStore(CacheManager manager, StatisticsService statistics, Cache<Long, ?> cache, ValueKind kind) {
        this.manager = manager;
        this.statistics = statistics;
        this.cache = cache;
        this.kind = kind;
    }

    /**
     * The pool for {@code entries}: Ehcache's off-heap footprint of an entry (its hash table slot, the
     * serialized key and value with their lengths, and the value holder's times and hit count) is about
     * 134 bytes allocated per {@code long} entry and 221 per 100-byte one (0.7M to 1.5M entries, Ehcache's
     * own {@code getAllocatedByteSize}); the pool gives ~1.4 times that, for the tables' rehashes and the
     * pages' fragmentation, and at least 32 MB.
     */
    static long megabytes(ValueKind kind, long entries) {
        long perEntry = kind == ValueKind.LONG ? 192 : 320;
        return Math.max(32, (entries * perEntry + (1 << 20) - 1) >> 20);
    }

    static EhcacheStore open(ValueKind kind, long entries) {
        DefaultStatisticsService statistics = new DefaultStatisticsService();
        Class<?> valueType = kind == ValueKind.LONG ? Long.class : byte[].class;
        CacheManager manager = CacheManagerBuilder.newCacheManagerBuilder()
                .using(statistics)
                .withCache(ALIAS, CacheConfigurationBuilder.newCacheConfigurationBuilder(Long.class, valueType,
                        ResourcePoolsBuilder.newResourcePoolsBuilder().offheap(megabytes(kind, entries), MemoryUnit.MB)))
                .build(true);
        return new EhcacheStore(manager, statistics, manager.getCache(ALIAS, Long.class, valueType), kind);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Handle handle() {
        return kind == ValueKind.LONG ? new Longs((Cache<Long, Long>) cache) : new Bytes((Cache<Long, byte[]>) cache, kind);
    }

    /**
     * The bytes of the pool the off-heap tier has put to use (its pages); the pool itself is allocated whole
     * when the cache is made, so the process's RSS grows by all of it.
     */
    @Override
    public long offHeapBytes() {
        TierStatistics tier = statistics.getCacheStatistics(ALIAS).getTierStatistics().get(TIER);
        return tier == null ? 0 : tier.getAllocatedByteSize();
    }

    /** @return the evictions Ehcache counted */
    long evictions() {
        return statistics.getCacheStatistics(ALIAS).getCacheEvictions();
    }

    /**
     * Closes the cache manager, freeing nothing until the direct buffers are collected.
     *
     * @throws IllegalStateException if the tier evicted: the run held more than it was sized for
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long evicted = evictions();
        manager.close();
        if (evicted != 0) {
            throw new IllegalStateException("EhcacheOffHeap evicted " + evicted
                    + " entries: its off-heap pool was too small for the run, whose figures are not comparable");
        }
    }

    private static final class Longs implements Handle {
        private final Cache<Long, Long> cache;

        Longs(Cache<Long, Long> cache) {
            this.cache = cache;
        }

        @Override
        public long get(long key, Long boxedKey) {
            Long v = cache.get(boxedKey);
            return v == null ? ABSENT : v;
        }

        @Override
        public void put(long key, Long boxedKey, long value) {
            cache.put(boxedKey, value);
        }

        @Override
        public boolean remove(long key, Long boxedKey) {
            cache.remove(boxedKey);
            return true;
        }

        @Override
        public void close() {
        }
    }

    private static final class Bytes implements Handle {
        private final Cache<Long, byte[]> cache;
        private final byte[] payload;

        Bytes(Cache<Long, byte[]> cache, ValueKind kind) {
            this.cache = cache;
            payload = Payloads.payload(kind.bytes());
        }

        @Override
        public long get(long key, Long boxedKey) {
            byte[] v = cache.get(boxedKey);
            return v == null ? ABSENT : Payloads.stamp(v);
        }

        @Override
        public void put(long key, Long boxedKey, long stamp) {
            Payloads.stamp(payload, stamp);
            cache.put(boxedKey, payload);
        }

        @Override
        public boolean remove(long key, Long boxedKey) {
            cache.remove(boxedKey);
            return true;
        }

        @Override
        public void close() {
        }
    }
}

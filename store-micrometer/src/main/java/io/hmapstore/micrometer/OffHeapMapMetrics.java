package io.hmapstore.micrometer;

import io.hmapstore.CacheStats;
import io.hmapstore.OffHeapMap;
import io.hmapstore.StoreStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.cache.CacheMeterBinder;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * Binds an {@link OffHeapMap}'s cache figures and memory to a Micrometer {@link MeterRegistry}, under the
 * names Micrometer's own cache binders use (Caffeine's, JCache's), so dashboards built for those show an
 * hmapstore cache too.
 *
 * <pre>{@code
 * OffHeapMap<Long, byte[]> pages = OffHeapMap.of(Codecs.longs(), Codecs.bytes()).maxEntries(100_000).open();
 * new OffHeapMapMetrics(pages, "pages", Tags.of("tier", "l2")).bindTo(registry);
 * }</pre>
 *
 * <p><b>Spring Boot and Micronaut:</b> declare the binder as a bean and nothing else is needed. Spring
 * Boot's actuator binds every {@link MeterBinder} bean in the context to its registries, and Micronaut's
 * micrometer module does the same for {@link MeterBinder} beans:
 *
 * <pre>{@code
 * @Bean
 * OffHeapMapMetrics pagesMetrics(OffHeapMap<Long, byte[]> pages) {
 *     return new OffHeapMapMetrics(pages, "pages", Tags.empty());
 * }
 * }</pre>
 *
 * <p>Meters, each tagged {@code cache=<name>} plus the tags given:
 *
 * <table>
 *   <caption>meters</caption>
 *   <tr><th>name</th><th>type</th><th>from</th></tr>
 *   <tr><td>{@code cache.gets} {@code result=hit} / {@code result=miss}</td><td>function counter</td>
 *       <td>{@link CacheStats#hits()} / {@link CacheStats#misses()} (a lookup of an expired entry is a miss)</td></tr>
 *   <tr><td>{@code cache.puts}</td><td>function counter</td><td>{@link CacheStats#puts()}</td></tr>
 *   <tr><td>{@code cache.evictions}</td><td>function counter</td><td>{@link CacheStats#evictions()}</td></tr>
 *   <tr><td>{@code cache.size}</td><td>gauge</td><td>{@link CacheStats#entries()}</td></tr>
 *   <tr><td>{@code cache.expirations}</td><td>function counter</td><td>{@link CacheStats#expirations()}</td></tr>
 *   <tr><td>{@code cache.fill.ratio}</td><td>gauge</td><td>{@link CacheStats#load()}: the fuller of
 *       entries / maxEntries and bytes / maxBytes, 0 without a bound. Not called {@code cache.load}, the name
 *       Micrometer's Caffeine binder gives its loader timings.</td></tr>
 *   <tr><td>{@code cache.memory.used}</td><td>gauge, bytes</td><td>{@link CacheStats#bytesInUse()}</td></tr>
 *   <tr><td>{@code cache.memory.mapped}</td><td>gauge, bytes</td><td>{@link StoreStats#mappedBytes()}</td></tr>
 *   <tr><td>{@code cache.memory.resident}</td><td>gauge, bytes</td><td>{@link StoreStats#residentBytes()}
 *       ({@code mincore}): what the store costs in RAM</td></tr>
 *   <tr><td>{@code cache.growths}</td><td>function counter</td><td>{@link StoreStats#growths()}: table
 *       doublings, each one an evacuation the service paid for</td></tr>
 * </table>
 *
 * <p>The binder holds the map weakly, as Micrometer's binders hold their caches, so it never keeps a map
 * alive; the service keeps its map anyway, to close it. Once the map is closed the meters hold their last
 * values: counters never go backwards, which a monitoring system would read as a reset.
 *
 * <h2>Implementation notes</h2>
 * {@link OffHeapMap#stats()} asks the kernel which pages are resident ({@code mincore} over the whole
 * mapping), so it is read at most once per {@code statsMaxAge} and shared by the three meters that come
 * from it: one scrape costs one pass, not three. {@link OffHeapMap#cacheStats()} is a sum of counters and is
 * read on every meter read, so the cache figures are always current.
 */
public final class OffHeapMapMetrics extends CacheMeterBinder<OffHeapMap<?, ?>> {

    /** How long a {@link StoreStats} snapshot serves the memory meters by default. */
    public static final Duration DEFAULT_STATS_MAX_AGE = Duration.ofSeconds(1);

    private final Object lock = new Object();
    private final long statsMaxAgeNanos;
    private final LongSupplier nanoTime;
    private CacheStats lastCache;
    private StoreStats lastStore;
    private long lastStoreAt;

    /**
     * A binder for {@code map}, tagged {@code cache=cacheName}.
     *
     * @param map the store; held weakly
     * @param cacheName the {@code cache} tag's value
     * @param tags more tags for every meter
     */
    public OffHeapMapMetrics(OffHeapMap<?, ?> map, String cacheName, Iterable<Tag> tags) {
        this(map, cacheName, tags, DEFAULT_STATS_MAX_AGE);
    }

    /**
     * A binder for {@code map} whose memory meters reuse one {@link StoreStats} snapshot for
     * {@code statsMaxAge}.
     *
     * @param map the store; held weakly
     * @param cacheName the {@code cache} tag's value
     * @param tags more tags for every meter
     * @param statsMaxAge how long one {@link OffHeapMap#stats()} snapshot serves; {@link Duration#ZERO} reads
     *     it on every meter read
     */
    public OffHeapMapMetrics(OffHeapMap<?, ?> map, String cacheName, Iterable<Tag> tags, Duration statsMaxAge) {
        this(map, cacheName, tags, statsMaxAge, System::nanoTime);
    }

    OffHeapMapMetrics(OffHeapMap<?, ?> map, String cacheName, Iterable<Tag> tags, Duration statsMaxAge,
            LongSupplier nanoTime) {
        super(Objects.requireNonNull(map, "map"), Objects.requireNonNull(cacheName, "cacheName"),
                Objects.requireNonNull(tags, "tags"));
        if (statsMaxAge.isNegative()) {
            throw new IllegalArgumentException("statsMaxAge must not be negative, was " + statsMaxAge);
        }
        this.statsMaxAgeNanos = statsMaxAge.toNanos();
        this.nanoTime = nanoTime;
    }

    /**
     * A binder tagged {@code cache=cacheName} only.
     *
     * @param map the store; held weakly
     * @param cacheName the {@code cache} tag's value
     * @return the binder
     */
    public static OffHeapMapMetrics of(OffHeapMap<?, ?> map, String cacheName) {
        return new OffHeapMapMetrics(map, cacheName, Tags.empty());
    }

    /**
     * Binds a map in one call, as {@code CaffeineCacheMetrics.monitor} does.
     *
     * @param registry where the meters go
     * @param map the store
     * @param cacheName the {@code cache} tag's value
     * @param tags more tags, as key/value pairs
     * @param <M> the map's type
     * @return {@code map}, for chaining
     */
    public static <M extends OffHeapMap<?, ?>> M monitor(MeterRegistry registry, M map, String cacheName,
            String... tags) {
        new OffHeapMapMetrics(map, cacheName, Tags.of(tags)).bindTo(registry);
        return map;
    }

    @Override
    protected Long size() {
        CacheStats s = cacheStats();
        return s == null ? null : s.entries();
    }

    @Override
    protected long hitCount() {
        CacheStats s = cacheStats();
        return s == null ? 0 : s.hits();
    }

    @Override
    protected Long missCount() {
        CacheStats s = cacheStats();
        return s == null ? 0L : s.misses();
    }

    @Override
    protected Long evictionCount() {
        CacheStats s = cacheStats();
        return s == null ? 0L : s.evictions();
    }

    @Override
    protected long putCount() {
        CacheStats s = cacheStats();
        return s == null ? 0 : s.puts();
    }

    @Override
    protected void bindImplementationSpecificMetrics(MeterRegistry registry) {
        OffHeapMap<?, ?> map = getCache();
        if (map == null) {
            return;
        }
        Iterable<Tag> tags = getTagsWithCacheName();
        functionCounter(registry, map, "cache.expirations", tags,
                "The number of entries removed because their time to live ran out",
                m -> cacheFigure(CacheStats::expirations));
        Gauge.builder("cache.fill.ratio", map, m -> {
            CacheStats s = cacheStats();
            return s == null ? Double.NaN : s.load();
        }).tags(tags)
                .description("How full the cache is against its bound: the fuller of entries/maxEntries and "
                        + "bytes/maxBytes, 0 without a bound")
                .register(registry);
        bytesGauge(registry, map, "cache.memory.used", tags, "Bytes of the store's entry heap in use",
                m -> cacheFigure(CacheStats::bytesInUse));
        bytesGauge(registry, map, "cache.memory.mapped", tags, "Bytes of the store's region mapped read-write",
                m -> storeFigure(StoreStats::mappedBytes));
        bytesGauge(registry, map, "cache.memory.resident", tags,
                "Mapped bytes of the store resident in RAM (mincore)", m -> storeFigure(StoreStats::residentBytes));
        functionCounter(registry, map, "cache.growths", tags, "Table doublings started",
                m -> storeFigure(StoreStats::growths));
    }

    private static void functionCounter(MeterRegistry registry, OffHeapMap<?, ?> map, String name,
            Iterable<Tag> tags, String description, ToDoubleFunction<OffHeapMap<?, ?>> f) {
        FunctionCounter.builder(name, map, f).tags(tags).description(description).register(registry);
    }

    private static void bytesGauge(MeterRegistry registry, OffHeapMap<?, ?> map, String name, Iterable<Tag> tags,
            String description, ToDoubleFunction<OffHeapMap<?, ?>> f) {
        Gauge.builder(name, map, f).tags(tags).baseUnit(BaseUnits.BYTES).description(description).register(registry);
    }

    private double cacheFigure(ToLongFunction<CacheStats> figure) {
        CacheStats s = cacheStats();
        return s == null ? Double.NaN : figure.applyAsLong(s);
    }

    private double storeFigure(ToLongFunction<StoreStats> figure) {
        StoreStats s = storeStats();
        return s == null ? Double.NaN : figure.applyAsLong(s);
    }

    /** The map's cache figures now, or the last ones read once it is closed (null if never read). */
    private CacheStats cacheStats() {
        OffHeapMap<?, ?> map = getCache();
        synchronized (lock) {
            if (map != null && !map.isClosed()) {
                try {
                    lastCache = map.cacheStats();
                } catch (IllegalStateException closedMeanwhile) {
                    // closed between the check and the read: keep the last figures
                }
            }
            return lastCache;
        }
    }

    /** A {@link StoreStats} at most {@code statsMaxAge} old, or the last one once the map is closed. */
    private StoreStats storeStats() {
        OffHeapMap<?, ?> map = getCache();
        synchronized (lock) {
            long now = nanoTime.getAsLong();
            boolean fresh = lastStore != null && now - lastStoreAt < statsMaxAgeNanos;
            if (!fresh && map != null && !map.isClosed()) {
                try {
                    lastStore = map.stats();
                    lastStoreAt = now;
                } catch (IllegalStateException closedMeanwhile) {
                    // closed between the check and the read: keep the last figures
                }
            }
            return lastStore;
        }
    }
}

package io.hmapstore.jcache.example;

import io.hmapstore.Codecs;
import io.hmapstore.jcache.HmapCachingProvider;
import io.hmapstore.jcache.HmapConfiguration;
import java.io.Serializable;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.integration.CacheLoader;
import javax.cache.management.CacheStatisticsMXBean;
import javax.cache.spi.CachingProvider;

/**
 * A service that caches an expensive lookup in an off-heap JCache cache, with nothing but the
 * JSR-107 API and hmapstore's provider: no Spring, no container.
 *
 * <p>Product ids are {@code long}s, so the cache stores them through {@link Codecs#longs()} (8
 * bytes inline in a bucket slot); products are records, Java-serialized off the heap. The cache
 * reads through a {@link CacheLoader} on a miss and expires entries ten minutes after creation.
 *
 * <p>Run it (JDK 25; the build picks it through toolchains, {@code java} must be a 25 here):
 *
 * <pre>
 * mvn -B -q -pl store-jcache -am -DskipTests package
 * java --enable-native-access=ALL-UNNAMED -cp store-jcache/target/classes:store-core/target/classes:\
 * store-native/target/classes:$HOME/.m2/repository/javax/cache/cache-api/1.1.1/cache-api-1.1.1.jar \
 *   io.hmapstore.jcache.example.ProductCatalogService
 * </pre>
 */
public final class ProductCatalogService implements AutoCloseable {

    /**
     * What the slow backend returns. Serializable: the cache stores it by value, off the heap.
     *
     * @param id the product's id
     * @param name its name
     * @param priceCents its price in cents
     */
    public record Product(long id, String name, long priceCents) implements Serializable {
    }

    /** The expensive lookup being cached: a database, a remote call. Here: 2 ms of sleep. */
    public static final class SlowRepository implements CacheLoader<Long, Product>, Serializable {
        private static final long serialVersionUID = 1L;
        static final AtomicLong CALLS = new AtomicLong();

        /** A repository; {@code CALLS} counts the loads of all of them. */
        public SlowRepository() {
        }

        @Override
        public Product load(Long id) {
            CALLS.incrementAndGet();
            try {
                TimeUnit.MILLISECONDS.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new Product(id, "product-" + id, 100 + id % 900);
        }

        @Override
        public Map<Long, Product> loadAll(Iterable<? extends Long> ids) {
            Map<Long, Product> products = new java.util.HashMap<>();
            for (Long id : ids) {
                products.put(id, load(id));
            }
            return products;
        }
    }

    private final CacheManager cacheManager;
    private final Cache<Long, Product> products;

    /**
     * Creates the service's cache in an application-wide cache manager. The manager belongs to the
     * application (it may hold other services' caches); the service owns only its cache.
     *
     * @param cacheManager where to create the cache
     */
    public ProductCatalogService(CacheManager cacheManager) {
        this.cacheManager = cacheManager;
        HmapConfiguration<Long, Product> config = new HmapConfiguration<Long, Product>()
                .keyCodec(Codecs.longs())
                .expectedEntries(10_000)
                .setTypes(Long.class, Product.class)
                .setCacheLoaderFactory(FactoryBuilder.factoryOf(SlowRepository.class))
                .setReadThrough(true)
                .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MINUTES, 10)))
                .setStatisticsEnabled(true);
        this.products = cacheManager.createCache("products", config);
    }

    /**
     * @param id a product id
     * @return the product, from the cache or, on a miss, from the repository (then cached)
     */
    public Product product(long id) {
        return products.get(id);
    }

    /** @return the cache's hit/miss counters, as JMX also shows them */
    public CacheStatisticsMXBean statistics() {
        return products.unwrap(io.hmapstore.jcache.HmapCache.class).statistics();
    }

    /** Destroys the service's cache, which unmaps its off-heap memory; the manager stays open. */
    @Override
    public void close() {
        cacheManager.destroyCache(products.getName());
    }

    /**
     * Looks up a skewed stream of ids (most requests for a few hot products) and prints what the
     * cache saved.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        // The standard JCache bootstrap. Naming the provider makes the choice explicit when several
        // are on the class path; with hmapstore alone, Caching.getCachingProvider() finds it too.
        CachingProvider provider = Caching.getCachingProvider(HmapCachingProvider.class.getName());
        try (CacheManager cacheManager = provider.getCacheManager();
                ProductCatalogService service = new ProductCatalogService(cacheManager)) {
            java.util.SplittableRandom random = new java.util.SplittableRandom(42);
            long start = System.nanoTime();
            int requests = 5_000;
            for (int i = 0; i < requests; i++) {
                // Nine requests in ten go to 50 hot products, the rest to 5,000 others.
                long id = random.nextInt(10) < 9 ? random.nextInt(50) : 50 + random.nextInt(5_000);
                service.product(id);
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            CacheStatisticsMXBean stats = service.statistics();
            System.out.printf("%d requests in %d ms: %d hits, %d misses (%.1f%% hit ratio), %d repository calls%n",
                    requests, millis, stats.getCacheHits(), stats.getCacheMisses(), stats.getCacheHitPercentage(),
                    SlowRepository.CALLS.get());
        }
    }
}

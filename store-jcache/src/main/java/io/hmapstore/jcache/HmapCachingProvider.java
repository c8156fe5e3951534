package io.hmapstore.jcache;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.WeakHashMap;
import javax.cache.CacheManager;
import javax.cache.configuration.OptionalFeature;
import javax.cache.spi.CachingProvider;

/**
 * The hmapstore JCache provider: {@code Caching.getCachingProvider()} finds it through
 * {@code META-INF/services/javax.cache.spi.CachingProvider}, and Spring Boot through
 * {@code spring.cache.jcache.provider=io.hmapstore.jcache.HmapCachingProvider}.
 *
 * <pre>{@code
 * CachingProvider provider = Caching.getCachingProvider(HmapCachingProvider.class.getName());
 * CacheManager manager = provider.getCacheManager();
 * Cache<Long, String> users = manager.createCache("users",
 *         HmapConfiguration.of(Codecs.longs(), Codecs.utf8()));
 * }</pre>
 *
 * <p>It keeps one {@link HmapCacheManager} per URI and class loader, as JSR-107 asks. A URI with the
 * scheme {@code file}, {@code jar} or {@code classpath} names a configuration file whose settings
 * bound the caches the manager creates by name (Hibernate's {@code hibernate.javax.cache.uri}, Spring
 * Boot's {@code spring.cache.jcache.config}); any other URI, such as {@link #DEFAULT_URI}, is a name
 * only:
 *
 * <pre>{@code
 * CacheManager manager = provider.getCacheManager(
 *         URI.create("file:/etc/app/hmapstore-cache.properties"), getClass().getClassLoader());
 * manager.createCache("books", new MutableConfiguration<>());   // takes cache.books.* or default.*
 * }</pre>
 *
 * <p>Store-by-reference is the one optional feature it does not support.
 */
public final class HmapCachingProvider implements CachingProvider {

    /** The URI of the default cache manager. */
    public static final URI DEFAULT_URI = URI.create("urn:hmapstore:jcache");

    /** Weak keys, so a class loader that is gone takes its managers with it. Guarded by {@code this}. */
    private final WeakHashMap<ClassLoader, Map<URI, HmapCacheManager>> managers = new WeakHashMap<>();

    /** Called by {@link java.util.ServiceLoader}. */
    public HmapCachingProvider() {
    }

    /**
     * {@inheritDoc}
     *
     * @throws javax.cache.CacheException if the URI names a configuration file that is missing or holds
     *     a bad line (the message names the file, the line, the key and the value)
     */
    @Override
    public synchronized CacheManager getCacheManager(URI uri, ClassLoader classLoader, Properties properties) {
        URI managerUri = uri == null ? getDefaultURI() : uri;
        ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
        return managers.computeIfAbsent(loader, l -> new HashMap<>())
                .computeIfAbsent(managerUri, u -> new HmapCacheManager(this, u, loader, properties));
    }

    @Override
    public CacheManager getCacheManager(URI uri, ClassLoader classLoader) {
        return getCacheManager(uri, classLoader, getDefaultProperties());
    }

    @Override
    public CacheManager getCacheManager() {
        return getCacheManager(getDefaultURI(), getDefaultClassLoader(), null);
    }

    @Override
    public ClassLoader getDefaultClassLoader() {
        return HmapCachingProvider.class.getClassLoader();
    }

    @Override
    public URI getDefaultURI() {
        return DEFAULT_URI;
    }

    @Override
    public Properties getDefaultProperties() {
        return new Properties();
    }

    @Override
    public void close() {
        Map<ClassLoader, Map<URI, HmapCacheManager>> all;
        synchronized (this) {
            all = new HashMap<>(managers);
            managers.clear();
        }
        for (Map<URI, HmapCacheManager> byUri : all.values()) {
            for (HmapCacheManager manager : byUri.values()) {
                manager.close();
            }
        }
    }

    @Override
    public void close(ClassLoader classLoader) {
        Map<URI, HmapCacheManager> byUri;
        synchronized (this) {
            byUri = managers.remove(classLoader == null ? getDefaultClassLoader() : classLoader);
        }
        if (byUri != null) {
            for (HmapCacheManager manager : byUri.values()) {
                manager.close();
            }
        }
    }

    @Override
    public void close(URI uri, ClassLoader classLoader) {
        HmapCacheManager manager;
        synchronized (this) {
            Map<URI, HmapCacheManager> byUri = managers.get(classLoader == null ? getDefaultClassLoader() : classLoader);
            manager = byUri == null ? null : byUri.get(uri == null ? getDefaultURI() : uri);
        }
        if (manager != null) {
            manager.close();
        }
    }

    /** Forgets a manager that closed itself, so the next request makes a new one. */
    synchronized void release(HmapCacheManager manager) {
        Map<URI, HmapCacheManager> byUri = managers.get(manager.getClassLoader());
        if (byUri != null) {
            byUri.remove(manager.getURI(), manager);
            if (byUri.isEmpty()) {
                managers.remove(manager.getClassLoader());
            }
        }
    }

    @Override
    public boolean isSupported(OptionalFeature feature) {
        // STORE_BY_REFERENCE is the only optional feature JSR-107 defines, and off-heap entries
        // are bytes: there is no reference to store.
        return false;
    }
}

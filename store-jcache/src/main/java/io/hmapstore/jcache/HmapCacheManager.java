package io.hmapstore.jcache;

import java.lang.ref.WeakReference;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.Configuration;
import javax.cache.spi.CachingProvider;

/**
 * Owns a set of named off-heap caches. Obtained from {@link HmapCachingProvider}, one per URI and
 * class loader; closing it closes (and unmaps) every cache it made.
 *
 * <p>Caches are store-by-value only: a configuration asking for store-by-reference is refused with
 * {@link UnsupportedOperationException}, since an off-heap store holds bytes, not references.
 *
 * <p>A manager whose URI names a configuration file ({@code file:}, {@code jar:} or {@code classpath:},
 * e.g. {@code file:/etc/app/hmapstore-cache.properties}) applies it to every cache it creates: the
 * cache's {@code cache.<name>.*} settings over the file's {@code default.*} ones, and what the cache's
 * own configuration sets in code over both. Hibernate's and Spring's caches, created by name with a
 * plain {@code MutableConfiguration}, are bounded that way. The file is read when the manager is made;
 * a missing file or a bad line is a {@link CacheException} naming the file, the line, the key and the
 * value.
 */
public final class HmapCacheManager implements CacheManager {
    private static final System.Logger LOG = System.getLogger(HmapCacheManager.class.getName());

    private final HmapCachingProvider provider;
    private final URI uri;
    /** Weak so a manager does not keep an undeployed application's classes alive. */
    private final WeakReference<ClassLoader> classLoader;
    private final Properties properties;
    /** What the URI's configuration file, if it names one, sets for caches created here. */
    private final HmapConfigFile settings;
    /** Guarded by itself. */
    private final Map<String, HmapCache<?, ?>> caches = new LinkedHashMap<>();
    private volatile boolean closed;

    HmapCacheManager(HmapCachingProvider provider, URI uri, ClassLoader classLoader, Properties properties) {
        this.provider = provider;
        this.uri = Objects.requireNonNull(uri, "uri");
        this.classLoader = new WeakReference<>(Objects.requireNonNull(classLoader, "classLoader"));
        this.properties = new Properties();
        if (properties != null) {
            this.properties.putAll(properties);
        }
        this.settings = HmapConfigFile.forUri(uri, classLoader);
    }

    @Override
    public CachingProvider getCachingProvider() {
        return provider;
    }

    @Override
    public URI getURI() {
        return uri;
    }

    @Override
    public ClassLoader getClassLoader() {
        return classLoader.get();
    }

    @Override
    public Properties getProperties() {
        return properties;
    }

    /**
     * Creates a cache. Any {@link Configuration} is accepted; an {@link HmapConfiguration} may also
     * name the store's codecs and a sizing hint. What the configuration leaves unset (bounds, file,
     * expiry, sizing hint, statistics) is taken from this manager's configuration file, if its URI
     * names one; {@code getConfiguration} then shows the settings the cache runs with.
     *
     * @throws UnsupportedOperationException if the configuration asks for store-by-reference
     * @throws CacheException if a cache of that name exists
     */
    @Override
    public <K, V, C extends Configuration<K, V>> Cache<K, V> createCache(String cacheName, C configuration) {
        checkOpen();
        Objects.requireNonNull(cacheName, "cacheName");
        Objects.requireNonNull(configuration, "configuration");
        HmapConfiguration<K, V> copy = settings.applyTo(cacheName, HmapConfiguration.copyOf(configuration));
        if (!copy.isStoreByValue()) {
            throw new UnsupportedOperationException("cache " + cacheName + ": hmapstore caches are store-by-value"
                    + " (entries live off the heap as bytes); isSupported(STORE_BY_REFERENCE) is false");
        }
        synchronized (caches) {
            checkOpen();
            if (caches.containsKey(cacheName)) {
                throw new CacheException("a cache named " + cacheName + " already exists in " + uri);
            }
            HmapCache<K, V> cache = new HmapCache<>(this, cacheName, copy, getClassLoader());
            caches.put(cacheName, cache);
            return cache;
        }
    }

    @Override
    public <K, V> Cache<K, V> getCache(String cacheName, Class<K> keyType, Class<V> valueType) {
        checkOpen();
        Objects.requireNonNull(cacheName, "cacheName");
        Objects.requireNonNull(keyType, "keyType");
        Objects.requireNonNull(valueType, "valueType");
        HmapCache<?, ?> cache;
        synchronized (caches) {
            cache = caches.get(cacheName);
        }
        if (cache == null) {
            return null;
        }
        Configuration<?, ?> config = cache.snapshot();
        if (!config.getKeyType().equals(keyType)) {
            throw new ClassCastException("cache " + cacheName + " has key type " + config.getKeyType().getName()
                    + ", not " + keyType.getName());
        }
        if (!config.getValueType().equals(valueType)) {
            throw new ClassCastException("cache " + cacheName + " has value type " + config.getValueType().getName()
                    + ", not " + valueType.getName());
        }
        @SuppressWarnings("unchecked")
        Cache<K, V> typed = (Cache<K, V>) cache;
        return typed;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <K, V> Cache<K, V> getCache(String cacheName) {
        checkOpen();
        Objects.requireNonNull(cacheName, "cacheName");
        synchronized (caches) {
            return (Cache<K, V>) caches.get(cacheName);
        }
    }

    @Override
    public Iterable<String> getCacheNames() {
        checkOpen();
        synchronized (caches) {
            return Collections.unmodifiableSet(new LinkedHashSet<>(caches.keySet()));
        }
    }

    @Override
    public void destroyCache(String cacheName) {
        checkOpen();
        Objects.requireNonNull(cacheName, "cacheName");
        HmapCache<?, ?> cache;
        synchronized (caches) {
            cache = caches.get(cacheName);
        }
        if (cache != null) {
            // Closing unmaps the store, which is what destroying its contents means off the heap.
            cache.close();
        }
    }

    @Override
    public void enableManagement(String cacheName, boolean enabled) {
        checkOpen();
        Objects.requireNonNull(cacheName, "cacheName");
        HmapCache<?, ?> cache = cache(cacheName);
        if (cache != null) {
            cache.setManagementEnabled(enabled);
        }
    }

    @Override
    public void enableStatistics(String cacheName, boolean enabled) {
        checkOpen();
        Objects.requireNonNull(cacheName, "cacheName");
        HmapCache<?, ?> cache = cache(cacheName);
        if (cache != null) {
            cache.setStatisticsEnabled(enabled);
        }
    }

    private HmapCache<?, ?> cache(String cacheName) {
        synchronized (caches) {
            return caches.get(cacheName);
        }
    }

    /** Forgets a cache that closed itself. */
    void release(HmapCache<?, ?> cache) {
        synchronized (caches) {
            caches.remove(cache.getName(), cache);
        }
    }

    /** Closes every cache this manager made, then the manager; the provider hands out a new one next. */
    @Override
    public void close() {
        List<HmapCache<?, ?>> open;
        synchronized (caches) {
            if (closed) {
                return;
            }
            closed = true;
            open = new ArrayList<>(caches.values());
        }
        provider.release(this);
        for (HmapCache<?, ?> cache : open) {
            try {
                cache.close();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "closing cache " + cache.getName() + " failed", e);
            }
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("cache manager " + uri + " is closed");
        }
    }

    @Override
    public <T> T unwrap(Class<T> clazz) {
        return Unwrapping.unwrap(this, clazz, "a cache manager");
    }

    @Override
    public String toString() {
        return "HmapCacheManager[" + uri + "]";
    }
}

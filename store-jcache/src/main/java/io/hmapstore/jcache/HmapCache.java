package io.hmapstore.jcache;

import io.hmapstore.CacheStats;
import io.hmapstore.Codec;
import io.hmapstore.Concurrency;
import io.hmapstore.OffHeapMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.integration.CompletionListener;
import javax.cache.management.CacheMXBean;
import javax.cache.management.CacheStatisticsMXBean;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorResult;

/**
 * A JCache {@link Cache} whose entries live off the Java heap, in an {@link OffHeapMap} of encoded
 * key bytes to encoded value bytes.
 *
 * <p>Keys and values are stored by value: Java-serialized ({@link SerializingCodec}) or encoded
 * by the store codecs an {@link HmapConfiguration} names. Every read hands out a fresh copy, so
 * nothing a caller does to an object changes the cache. Keys are the same entry when their encoded
 * bytes are equal.
 *
 * <p>Implementation notes. This class is the JCache façade: each {@code Cache} method checks that
 * the cache is open and hands over to a group of operations ({@code CacheReads},
 * {@code CacheWrites}, {@code BulkOperations}, {@code Invocations}, {@code EntryIterator}), which
 * share the cache's {@code CacheParts}. The parts:
 * <ul>
 *   <li>{@code CacheRecord}: the stored value, {@code expiry | value}, an expiry time in front of the
 *       encoded value. A fixed-size value codec makes the record fixed-size too, so, say,
 *       {@code longs()} keys and values live inline in the bucket slots (8 + 16 bytes);</li>
 *   <li>{@code CacheCodecs}: keys and values to bytes and back;</li>
 *   <li>{@code ExpiryRules}: when an entry expires, per the {@link ExpiryPolicy}. An expired entry is
 *       never returned: whichever operation meets it removes it and reports an {@code EXPIRED}
 *       event. Memory is given back as the store gives back removed entries;</li>
 *   <li>{@code KeyStripes} and {@code KeyOperations}: each key is guarded by one of a fixed number
 *       of striped locks, held from an operation's read through the writer call, the store update
 *       and the synchronous listeners, which makes {@code putIfAbsent}, {@code replace},
 *       {@code invoke} and friends atomic with their write-through and keeps a key's events in
 *       order. {@code KeyOperations.locked} is the skeleton every operation runs in. The store
 *       itself runs in {@link Concurrency#CONCURRENT} mode, since different stripes write to it at
 *       once;</li>
 *   <li>{@code EventDispatch}: listeners and their events; {@code CacheIntegration}: the loader and
 *       writer; {@code HmapStatistics} and {@code HmapCacheMXBean}, the MXBeans, registered by
 *       {@code Management}; {@code CacheStore}, which turns store failures into
 *       {@link CacheException}s.</li>
 * </ul>
 *
 * <p>Where JSR-107 leaves a choice, this class does what the reference implementation does, since
 * the TCK was written against it: which operations count as hits, misses, puts and removals; which
 * consult the {@link ExpiryPolicy} for creation, access or update; and that a policy which throws
 * leaves the expiry as it was (or eternal, on creation).
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class HmapCache<K, V> implements Cache<K, V> {

    private final HmapCacheManager manager;
    private final String name;
    /** The live configuration; snapshots go out. Guarded by {@code this}. */
    private final HmapConfiguration<K, V> configuration;
    private final CacheCodecs<K, V> codecs;
    private final CacheIntegration<K, V> integration;
    private final ExpiryRules expiry;
    private final EventDispatch<K, V> dispatch;
    private final CacheStore store;
    private final KeyOperations<K, V> ops;
    private final HmapStatistics statistics = new HmapStatistics();
    private final CacheParts<K, V> parts;
    private final CacheReads<K, V> reads;
    private final CacheWrites<K, V> writes;
    private final BulkOperations<K, V> bulk;
    private final Invocations<K, V> invocations;
    private final HmapCacheMXBean mxbean = new HmapCacheMXBean(this);
    /** Whether this cache registered each bean (and so may unregister it). Guarded by {@code this}. */
    private boolean statisticsRegistered;
    private boolean managementRegistered;
    private volatile boolean closed;

    HmapCache(HmapCacheManager manager, String name, HmapConfiguration<K, V> configuration, ClassLoader classLoader) {
        this.manager = manager;
        this.name = name;
        this.configuration = configuration;
        this.codecs = new CacheCodecs<>(configuration, classLoader);
        this.integration = new CacheIntegration<>(name, configuration);
        this.expiry = new ExpiryRules(configuration.getExpiryPolicyFactory().create());
        this.dispatch = new EventDispatch<>(this, name, codecs, configuration.getCacheEntryListenerConfigurations());
        OffHeapMap.Builder<byte[], byte[]> builder = OffHeapMap.of(codecs.storeKeyCodec(), codecs.storeRecordCodec())
                .expectedEntries(configuration.getExpectedEntries())
                .concurrency(Concurrency.CONCURRENT);
        if (configuration.getMaxEntries() > 0) {
            builder.maxEntries(configuration.getMaxEntries());
        }
        if (configuration.getMaxBytes() > 0) {
            builder.maxBytes(configuration.getMaxBytes());
        }
        if (configuration.getPersistPath() != null) {
            builder.persistTo(configuration.getPersistPath());
        }
        if (configuration.isTransparentHugePages()) {
            builder.transparentHugePages();
        }
        this.store = CacheStore.open(name, builder);
        this.ops = new KeyOperations<>(store, codecs, expiry, new KeyStripes(), dispatch, integration);
        this.parts = new CacheParts<>(name, store, codecs, integration, dispatch, ops, statistics, this::checkOpen);
        this.reads = new CacheReads<>(parts);
        this.writes = new CacheWrites<>(parts);
        this.bulk = new BulkOperations<>(parts);
        this.invocations = new Invocations<>(parts);
        statistics.countEvictionsOf(() -> store.cacheStats().evictions());
        try {
            setStatisticsEnabled(configuration.isStatisticsEnabled());
            setManagementEnabled(configuration.isManagementEnabled());
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /**
     * The codec identity the store records for {@code codec} of {@code type}; it lives in
     * {@link CacheCodecs} and stays reachable here, where the module's tests look for it.
     */
    static String storedId(Codec<?> codec, Class<?> type) {
        return CacheCodecs.storedId(codec, type);
    }

    // ------------------------------------------------------------------ Cache operations, each in its group

    @Override
    public V get(K key) {
        checkOpen();
        return reads.get(key);
    }

    @Override
    public Map<K, V> getAll(Set<? extends K> keys) {
        checkOpen();
        return reads.getAll(keys);
    }

    @Override
    public boolean containsKey(K key) {
        checkOpen();
        return reads.containsKey(key);
    }

    @Override
    public void loadAll(Set<? extends K> keys, boolean replaceExistingValues, CompletionListener completionListener) {
        checkOpen();
        reads.loadAll(keys, replaceExistingValues, completionListener);
    }

    @Override
    public void put(K key, V value) {
        checkOpen();
        writes.put(key, value);
    }

    @Override
    public V getAndPut(K key, V value) {
        checkOpen();
        return writes.getAndPut(key, value);
    }

    @Override
    public void putAll(Map<? extends K, ? extends V> map) {
        checkOpen();
        bulk.putAll(map);
    }

    @Override
    public boolean putIfAbsent(K key, V value) {
        checkOpen();
        return writes.putIfAbsent(key, value);
    }

    @Override
    public boolean remove(K key) {
        checkOpen();
        return writes.remove(key);
    }

    @Override
    public boolean remove(K key, V oldValue) {
        checkOpen();
        return writes.remove(key, oldValue);
    }

    @Override
    public V getAndRemove(K key) {
        checkOpen();
        return writes.getAndRemove(key);
    }

    @Override
    public boolean replace(K key, V oldValue, V newValue) {
        checkOpen();
        return writes.replace(key, oldValue, newValue);
    }

    @Override
    public boolean replace(K key, V value) {
        checkOpen();
        return writes.replace(key, value);
    }

    @Override
    public V getAndReplace(K key, V value) {
        checkOpen();
        return writes.getAndReplace(key, value);
    }

    @Override
    public void removeAll(Set<? extends K> keys) {
        checkOpen();
        bulk.removeAll(keys);
    }

    @Override
    public void removeAll() {
        checkOpen();
        bulk.removeAll();
    }

    @Override
    public void clear() {
        checkOpen();
        bulk.clear();
    }

    @Override
    public <T> T invoke(K key, EntryProcessor<K, V, T> entryProcessor, Object... arguments) {
        checkOpen();
        return invocations.invoke(key, entryProcessor, arguments);
    }

    @Override
    public <T> Map<K, EntryProcessorResult<T>> invokeAll(Set<? extends K> keys,
            EntryProcessor<K, V, T> entryProcessor, Object... arguments) {
        checkOpen();
        return invocations.invokeAll(keys, entryProcessor, arguments);
    }

    /**
     * An iterator over the live entries, weakly consistent: entries added or removed meanwhile may
     * or may not be seen. Each entry it returns is an access for expiry and statistics, and its
     * {@code remove} deletes through to the writer.
     */
    @Override
    public Iterator<Cache.Entry<K, V>> iterator() {
        checkOpen();
        return new EntryIterator<>(parts);
    }

    // ------------------------------------------------------------------ the cache itself

    @Override
    public String getName() {
        return name;
    }

    @Override
    public CacheManager getCacheManager() {
        return manager;
    }

    /**
     * Closes the cache: unregisters its MBeans, closes its loader, writer, expiry policy and
     * listeners where they are {@link java.io.Closeable}, and unmaps its store, whose entries are
     * gone. Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        manager.release(this);
        try {
            setStatisticsEnabled(false);
            setManagementEnabled(false);
        } catch (CacheException e) {
            CacheResources.LOG.log(System.Logger.Level.WARNING, "cache " + name + ": unregistering its MBeans failed", e);
        }
        integration.closeLoaderAndWriter();
        CacheResources.closeQuietly(expiry.policy(), name);
        dispatch.close();
        integration.shutdown();
        // Wait out operations in flight (they hold stripes) so none touches unmapped memory.
        ops.lockedEverything(() -> {
            store.close();
            return null;
        });
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("cache " + name + " is closed");
        }
    }

    /**
     * A snapshot of the configuration: changing it changes nothing in the cache.
     *
     * @param clazz {@link Configuration}, {@link javax.cache.configuration.CompleteConfiguration},
     *     {@link javax.cache.configuration.MutableConfiguration} or {@link HmapConfiguration}
     */
    @Override
    public <C extends Configuration<K, V>> C getConfiguration(Class<C> clazz) {
        HmapConfiguration<K, V> snapshot = snapshot();
        if (clazz.isInstance(snapshot)) {
            return clazz.cast(snapshot);
        }
        throw new IllegalArgumentException("cache " + name + " has no configuration of type " + clazz.getName()
                + "; ask for " + HmapConfiguration.class.getName() + " or one of its supertypes");
    }

    /** @return a copy of the configuration as it is now */
    synchronized HmapConfiguration<K, V> snapshot() {
        return new HmapConfiguration<>(configuration);
    }

    @Override
    public void registerCacheEntryListener(CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
        checkOpen();
        Objects.requireNonNull(listenerConfiguration, "listenerConfiguration");
        synchronized (this) {
            // Throws IllegalArgumentException for a configuration registered already.
            configuration.addCacheEntryListenerConfiguration(listenerConfiguration);
            try {
                dispatch.register(listenerConfiguration);
            } catch (RuntimeException e) {
                configuration.removeCacheEntryListenerConfiguration(listenerConfiguration);
                throw e;
            }
        }
    }

    @Override
    public void deregisterCacheEntryListener(CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
        checkOpen();
        Objects.requireNonNull(listenerConfiguration, "listenerConfiguration");
        synchronized (this) {
            configuration.removeCacheEntryListenerConfiguration(listenerConfiguration);
            dispatch.deregister(listenerConfiguration);
        }
    }

    @Override
    public <T> T unwrap(Class<T> clazz) {
        return Unwrapping.unwrap(this, clazz, "cache " + name);
    }

    // ------------------------------------------------------------------ management

    /** @return this cache's statistics, whether or not they are enabled (then they do not move) */
    public CacheStatisticsMXBean statistics() {
        return statistics;
    }

    /**
     * @return the store's own counters: evictions, entries and bytes in use against the bounds
     */
    public CacheStats storeStats() {
        checkOpen();
        return store.cacheStats();
    }

    /**
     * @return the number of entries in the store, expired ones not yet removed included
     */
    public long size() {
        checkOpen();
        return store.size();
    }

    /**
     * Turns statistics on or off; on registers the statistics MXBean, off unregisters it.
     *
     * @param enabled whether to collect statistics
     */
    synchronized void setStatisticsEnabled(boolean enabled) {
        statisticsRegistered = Management.toggle(this, closed, Management.Type.STATISTICS, statisticsRegistered,
                enabled, statistics, CacheStatisticsMXBean.class);
        statistics.enable(enabled);
        configuration.setStatisticsEnabled(enabled);
    }

    /**
     * Turns management on or off; on registers the configuration MXBean, off unregisters it.
     *
     * @param enabled whether to expose the configuration over JMX
     */
    synchronized void setManagementEnabled(boolean enabled) {
        managementRegistered = Management.toggle(this, closed, Management.Type.CONFIGURATION, managementRegistered,
                enabled, mxbean, CacheMXBean.class);
        configuration.setManagementEnabled(enabled);
    }

    @Override
    public String toString() {
        return "HmapCache[" + name + " in " + manager.getURI() + ", " + codecs + "]";
    }
}

package io.hmapstore.jcache;

import io.hmapstore.CacheStats;
import io.hmapstore.Codec;
import io.hmapstore.Concurrency;
import io.hmapstore.OffHeapMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.integration.CacheWriterException;
import javax.cache.integration.CompletionListener;
import javax.cache.management.CacheMXBean;
import javax.cache.management.CacheStatisticsMXBean;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
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
 * <p>Implementation notes. This class is the JCache façade; the parts live in package-private
 * classes:
 * <ul>
 *   <li>{@link CacheRecord}: the stored value, {@code expiry | value}, an expiry time in front of the
 *       encoded value. A fixed-size value codec makes the record fixed-size too, so, say,
 *       {@code longs()} keys and values live inline in the bucket slots (8 + 16 bytes);</li>
 *   <li>{@link CacheCodecs}: keys and values to bytes and back;</li>
 *   <li>{@link ExpiryRules}: when an entry expires, per the {@link ExpiryPolicy}. An expired entry is
 *       never returned: whichever operation meets it removes it and reports an {@code EXPIRED}
 *       event. Memory is given back as the store gives back removed entries;</li>
 *   <li>{@link KeyStripes} and {@link KeyOperations}: each key is guarded by one of
 *       {@value KeyStripes#STRIPES} striped locks, held from an operation's read through the writer
 *       call, the store update and the synchronous listeners, which makes {@code putIfAbsent},
 *       {@code replace}, {@code invoke} and friends atomic with their write-through and keeps a
 *       key's events in order. {@link KeyOperations#locked} is the skeleton every operation runs
 *       in. The store itself runs in {@link Concurrency#CONCURRENT} mode, since different stripes
 *       write to it at once;</li>
 *   <li>{@link EventDispatch}: listeners and their events; {@link CacheIntegration}: the loader and
 *       writer; {@link EntryIterator}; {@link HmapStatistics} and {@link HmapCacheMXBean}, the MXBeans,
 *       registered by {@link Management}; {@link CacheStore}, which turns store failures into
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

    private static final System.Logger LOG = System.getLogger(HmapCache.class.getName());

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
        this.store = CacheStore.open(name, builder);
        this.ops = new KeyOperations<>(store, codecs, expiry, new KeyStripes(), dispatch, integration);
        statistics.countEvictionsOf(() -> store.cacheStats().evictions());
        try {
            setStatisticsEnabled(configuration.isStatisticsEnabled());
            setManagementEnabled(configuration.isManagementEnabled());
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** The codec identity the store records for {@code codec} of {@code type} (see {@link CacheCodecs}). */
    static String storedId(Codec<?> codec, Class<?> type) {
        return CacheCodecs.storedId(codec, type);
    }

    /** Outcome of a conditional operation: no live entry, one that did not match, or one changed. */
    private enum Outcome { MISS, HIT, CHANGED }

    /** What a conditional operation does to a live entry that holds the expected value. */
    @FunctionalInterface
    private interface Change<K, V> {
        void apply(byte[] current, long now, EventDispatch<K, V>.Batch events);
    }

    // ------------------------------------------------------------------ reads

    @Override
    public V get(K key) {
        checkOpen();
        long start = statistics.start();
        byte[] k = codecs.keyBytes(key);
        try {
            return ops.locked(k, (now, events) -> get(k, key, now, events, true));
        } finally {
            statistics.getTime(start);
        }
    }

    /** A read of one key, counted as a hit or miss; loads a miss if asked and read-through. */
    private V get(byte[] k, K key, long now, EventDispatch<K, V>.Batch events, boolean loadIfMissing) {
        byte[] current = ops.live(k, key, now, events);
        statistics.hitOrMiss(current != null);
        if (current != null) {
            V value = codecs.value(current);
            ops.accessed(k, current, now);
            return value;
        }
        if (!loadIfMissing || !integration.readThrough()) {
            return null;
        }
        V loaded = integration.load(key);
        if (loaded == null) {
            return null;
        }
        // A value expired at creation is not returned either: the reference implementation's choice.
        return ops.create(k, key, loaded, codecs.record(loaded), now, events) ? loaded : null;
    }

    @Override
    public Map<K, V> getAll(Set<? extends K> keys) {
        checkOpen();
        requireNoNullKey(keys);
        long start = statistics.start();
        Map<K, V> result = new HashMap<>(Math.max(4, keys.size() * 2));
        List<K> missing = new ArrayList<>();
        for (K key : keys) {
            byte[] k = codecs.keyBytes(key);
            V value = ops.locked(k, (now, events) -> get(k, key, now, events, false));
            if (value != null) {
                result.put(key, value);
            } else {
                missing.add(key);
            }
        }
        if (integration.readThrough() && !missing.isEmpty()) {
            // The loader runs without locks (it may be slow, or call back into the cache); an entry
            // someone else made meanwhile wins over the loaded one.
            Map<K, V> loaded = integration.loadAll(missing);
            for (K key : missing) {
                V value = loaded.get(key);
                if (value != null) {
                    V won = ops.install(key, value, false);
                    if (won != null) {
                        result.put(key, won);
                    }
                }
            }
        }
        statistics.getTime(start);
        return result;
    }

    @Override
    public boolean containsKey(K key) {
        checkOpen();
        byte[] k = codecs.keyBytes(key);
        return ops.locked(k, (now, events) -> ops.live(k, key, now, events) != null);
    }

    @Override
    public void loadAll(Set<? extends K> keys, boolean replaceExistingValues, CompletionListener completionListener) {
        checkOpen();
        Objects.requireNonNull(keys, "keys");
        requireNoNullKey(keys);
        if (integration.loader() == null) {
            if (completionListener != null) {
                completionListener.onCompletion();
            }
            return;
        }
        List<K> requested = new ArrayList<>(keys);
        integration.inBackground(() -> {
            try {
                List<K> toLoad = new ArrayList<>(requested.size());
                for (K key : requested) {
                    if (replaceExistingValues || !containsKey(key)) {
                        toLoad.add(key);
                    }
                }
                if (!toLoad.isEmpty()) {
                    for (Map.Entry<K, V> e : integration.loadAll(toLoad).entrySet()) {
                        if (e.getKey() != null && e.getValue() != null) {
                            ops.install(e.getKey(), e.getValue(), replaceExistingValues);
                        }
                    }
                }
                if (completionListener != null) {
                    completionListener.onCompletion();
                }
            } catch (RuntimeException e) {
                if (completionListener != null) {
                    completionListener.onException(e);
                } else {
                    LOG.log(System.Logger.Level.WARNING, "loadAll failed on cache " + name, e);
                }
            }
        });
    }

    private static <K> void requireNoNullKey(Collection<K> keys) {
        for (K key : keys) {
            Objects.requireNonNull(key, "keys contains null");
        }
    }

    // ------------------------------------------------------------------ writes

    @Override
    public void put(K key, V value) {
        checkOpen();
        codecs.checkTypes(key, value);
        long start = statistics.start();
        byte[] k = codecs.keyBytes(key);
        byte[] record = codecs.record(value);
        boolean stored = ops.locked(k, (now, events) ->
                ops.put(k, key, value, record, ops.live(k, key, now, events), now, events));
        statistics.put(start, stored ? 1 : 0);
    }

    @Override
    public V getAndPut(K key, V value) {
        checkOpen();
        codecs.checkTypes(key, value);
        long start = statistics.start();
        byte[] k = codecs.keyBytes(key);
        byte[] record = codecs.record(value);
        boolean[] stored = new boolean[1];
        V old = ops.locked(k, (now, events) -> {
            byte[] current = ops.live(k, key, now, events);
            V was = current == null ? null : codecs.value(current);
            stored[0] = ops.put(k, key, value, record, current, now, events);
            return was;
        });
        statistics.get(start, old != null);
        statistics.put(start, stored[0] ? 1 : 0);
        return old;
    }

    /** One entry of a {@code putAll}, encoded before any lock is taken. */
    private record Put<K, V>(K key, V value, byte[] keyBytes, byte[] record, HmapCacheEntry<K, V> entry) {
    }

    @Override
    public void putAll(Map<? extends K, ? extends V> map) {
        checkOpen();
        Objects.requireNonNull(map, "map");
        long start = statistics.start();
        List<Put<K, V>> puts = new ArrayList<>(map.size());
        List<byte[]> keys = new ArrayList<>(map.size());
        for (Map.Entry<? extends K, ? extends V> e : map.entrySet()) {
            codecs.checkTypes(e.getKey(), e.getValue());
            byte[] k = codecs.keyBytes(e.getKey());
            puts.add(new Put<>(e.getKey(), e.getValue(), k, codecs.record(e.getValue()),
                    new HmapCacheEntry<>(e.getKey(), e.getValue())));
            keys.add(k);
        }
        ops.lockedAll(keys, () -> {
            CacheWriterException failure = null;
            Set<Cache.Entry<?, ?>> unwritten = Collections.emptySet();
            if (integration.writeThrough() && !puts.isEmpty()) {
                // What the writer leaves in the collection was not written, and so is not put.
                List<Cache.Entry<? extends K, ? extends V>> toWrite = new ArrayList<>(puts.size());
                for (Put<K, V> p : puts) {
                    toWrite.add(p.entry());
                }
                failure = integration.writeAll(toWrite);
                unwritten = Collections.newSetFromMap(new IdentityHashMap<>());
                unwritten.addAll(toWrite);
            }
            long now = ExpiryRules.now();
            EventDispatch<K, V>.Batch events = dispatch.batch();
            int stored = 0;
            for (Put<K, V> p : puts) {
                if (!unwritten.contains(p.entry())) {
                    byte[] current = ops.live(p.keyBytes(), p.key(), now, events);
                    if (ops.store(p.keyBytes(), p.key(), p.value(), p.record(), current, now, events)) {
                        stored++;
                    }
                }
            }
            events.fire();
            statistics.put(start, stored);
            if (failure != null) {
                throw failure;
            }
            return null;
        });
    }

    @Override
    public boolean putIfAbsent(K key, V value) {
        checkOpen();
        codecs.checkTypes(key, value);
        long start = statistics.start();
        byte[] k = codecs.keyBytes(key);
        byte[] record = codecs.record(value);
        boolean stored = ops.locked(k, (now, events) ->
                ops.live(k, key, now, events) == null && ops.put(k, key, value, record, null, now, events));
        statistics.hitOrMiss(!stored);
        statistics.put(start, stored ? 1 : 0);
        return stored;
    }

    @Override
    public boolean replace(K key, V oldValue, V newValue) {
        checkOpen();
        Objects.requireNonNull(oldValue, "oldValue");
        codecs.checkTypes(key, newValue);
        long start = statistics.start();
        byte[] k = codecs.keyBytes(key);
        byte[] expected = codecs.record(oldValue);
        byte[] record = codecs.record(newValue);
        Outcome outcome = ifValueIs(k, key, expected, (current, now, events) -> {
            integration.write(key, newValue);
            ops.update(k, key, newValue, record, current, now, events);
        });
        statistics.put(start, outcome == Outcome.CHANGED ? 1 : 0);
        statistics.get(start, outcome != Outcome.MISS);
        return outcome == Outcome.CHANGED;
    }

    /**
     * The shape of {@code remove(k, v)} and {@code replace(k, old, new)}: {@code change} runs only
     * if the key's live entry holds the expected value; otherwise reading it was an access.
     */
    private Outcome ifValueIs(byte[] k, K key, byte[] expected, Change<K, V> change) {
        return ops.locked(k, (now, events) -> {
            byte[] current = ops.live(k, key, now, events);
            if (current == null) {
                return Outcome.MISS;
            }
            if (!CacheRecord.sameValue(current, expected)) {
                ops.accessed(k, current, now);
                return Outcome.HIT;
            }
            change.apply(current, now, events);
            return Outcome.CHANGED;
        });
    }

    @Override
    public boolean replace(K key, V value) {
        return getAndReplace(key, value, false) != null;
    }

    @Override
    public V getAndReplace(K key, V value) {
        return getAndReplace(key, value, true);
    }

    /**
     * {@code replace} and {@code getAndReplace}, which differ only in whether the old value is
     * decoded for the caller.
     *
     * @return the old value (or, when not {@code decodeOld}, this cache as a non-null marker), or
     *     {@code null} when there was nothing to replace
     */
    @SuppressWarnings("unchecked")
    private V getAndReplace(K key, V value, boolean decodeOld) {
        checkOpen();
        codecs.checkTypes(key, value);
        long start = statistics.start();
        byte[] k = codecs.keyBytes(key);
        byte[] record = codecs.record(value);
        Object old = ops.locked(k, (now, events) -> {
            byte[] current = ops.live(k, key, now, events);
            if (current == null) {
                return null;
            }
            Object was = decodeOld ? codecs.value(current) : this;
            integration.write(key, value);
            ops.update(k, key, value, record, current, now, events);
            return was;
        });
        statistics.get(start, old != null);
        statistics.put(start, old != null ? 1 : 0);
        return (V) old;
    }

    // ------------------------------------------------------------------ removals

    @Override
    public boolean remove(K key) {
        return getAndRemove(key, false) != null;
    }

    @Override
    public V getAndRemove(K key) {
        return getAndRemove(key, true);
    }

    /**
     * {@code remove} and {@code getAndRemove}: the latter decodes the old value and counts a hit or
     * miss. The writer hears of the delete whether or not the cache holds the key: the store behind
     * it may.
     *
     * @return the old value (or, when not {@code decodeOld}, this cache as a non-null marker), or
     *     {@code null} when there was nothing to remove
     */
    @SuppressWarnings("unchecked")
    private V getAndRemove(K key, boolean decodeOld) {
        checkOpen();
        long start = statistics.start();
        byte[] k = codecs.keyBytes(key);
        Object old = ops.locked(k, (lockedAt, events) -> {
            integration.delete(key);
            // Expiry is judged once the writer, which may be slow, has returned.
            byte[] current = ops.live(k, key, ExpiryRules.now(), events);
            if (current == null) {
                return null;
            }
            Object was = decodeOld ? codecs.value(current) : this;
            ops.remove(k, key, current, events);
            return was;
        });
        if (decodeOld) {
            statistics.get(start, old != null);
        }
        statistics.removed(start, old != null ? 1 : 0);
        return (V) old;
    }

    @Override
    public boolean remove(K key, V oldValue) {
        checkOpen();
        Objects.requireNonNull(oldValue, "oldValue");
        long start = statistics.start();
        byte[] k = codecs.keyBytes(key);
        byte[] expected = codecs.record(oldValue);
        Outcome outcome = ifValueIs(k, key, expected, (current, now, events) -> {
            integration.delete(key);
            ops.remove(k, key, current, events);
        });
        statistics.removed(start, outcome == Outcome.CHANGED ? 1 : 0);
        statistics.get(start, outcome != Outcome.MISS);
        return outcome == Outcome.CHANGED;
    }

    @Override
    public void removeAll(Set<? extends K> keys) {
        checkOpen();
        Objects.requireNonNull(keys, "keys");
        long start = statistics.start();
        Map<K, byte[]> encoded = new LinkedHashMap<>();
        for (K key : keys) {
            encoded.put(key, codecs.keyBytes(key));
        }
        ops.lockedAll(encoded.values(), () -> removeLocked(encoded, start));
    }

    @Override
    public void removeAll() {
        checkOpen();
        long start = statistics.start();
        ops.lockedEverything(() -> {
            if (!integration.writeThrough() && !dispatch.listening()) {
                // Nobody to tell: count what is live for the statistics and drop the rest at once.
                long now = ExpiryRules.now();
                long live = 0;
                for (Map.Entry<byte[], byte[]> e : store.entries()) {
                    if (!CacheRecord.expired(e.getValue(), now)) {
                        live++;
                    }
                }
                store.clear();
                statistics.removed(start, live);
                return null;
            }
            Map<K, byte[]> encoded = new LinkedHashMap<>();
            for (Map.Entry<byte[], byte[]> e : store.entries()) {
                encoded.put(codecs.key(e.getKey()), e.getKey());
            }
            return removeLocked(encoded, start);
        });
    }

    /**
     * Removes the given keys, deleting through in one {@code deleteAll}; their stripes are held.
     *
     * @return {@code null}, for {@link KeyOperations#lockedAll}
     */
    private Void removeLocked(Map<K, byte[]> keys, long start) {
        CacheWriterException failure = null;
        Collection<K> undeleted = Collections.emptySet();
        if (integration.writeThrough() && !keys.isEmpty()) {
            // A copy: the writer removes what it deleted, and the caller's set is not ours to change.
            undeleted = new ArrayList<>(keys.keySet());
            failure = integration.deleteAll(undeleted);
            if (!undeleted.isEmpty()) {
                undeleted = new HashSet<>(undeleted);
            }
        }
        long now = ExpiryRules.now();
        long removed = 0;
        EventDispatch<K, V>.Batch events = dispatch.batch();
        for (Map.Entry<K, byte[]> e : keys.entrySet()) {
            byte[] current = undeleted.contains(e.getKey()) ? null : store.remove(e.getValue());
            if (current != null && CacheRecord.expired(current, now)) {
                events.expired(e.getKey(), current);
            } else if (current != null) {
                events.removed(e.getKey(), current);
                removed++;
            }
        }
        try {
            events.fire();
        } finally {
            statistics.removed(start, removed);
        }
        if (failure != null) {
            throw failure;
        }
        return null;
    }

    @Override
    public void clear() {
        checkOpen();
        ops.lockedEverything(() -> {
            store.clear();
            return null;
        });
    }

    // ------------------------------------------------------------------ entry processors

    @Override
    public <T> T invoke(K key, EntryProcessor<K, V, T> entryProcessor, Object... arguments) {
        checkOpen();
        Objects.requireNonNull(entryProcessor, "entryProcessor");
        long start = statistics.start();
        byte[] k = codecs.keyBytes(key);
        return ops.locked(k, (now, events) -> {
            byte[] current = ops.live(k, key, now, events);
            statistics.get(start, current != null);
            long applied = statistics.enabled() ? System.nanoTime() : start;
            ProcessorEntry<K, V> entry = new ProcessorEntry<>(key, current != null,
                    () -> codecs.value(current), integration.readThroughLoader());
            T result;
            try {
                result = entryProcessor.process(entry, arguments);
            } catch (CacheException e) {
                events.fire();
                throw e;
            } catch (RuntimeException e) {
                events.fire();
                throw new EntryProcessorException(e);
            }
            apply(k, key, entry, current, now, events, applied);
            return result;
        });
    }

    /** Does what the processor's net operation asks for. */
    private void apply(byte[] k, K key, ProcessorEntry<K, V> entry, byte[] current, long now,
            EventDispatch<K, V>.Batch events, long start) {
        V value = entry.newValue();
        switch (entry.operation()) {
            case NONE -> { }
            case ACCESS -> ops.accessed(k, current, now);
            case CREATE, LOAD -> {
                codecs.checkTypes(key, value);
                boolean create = entry.operation() == ProcessorEntry.Operation.CREATE;
                if (create) {
                    integration.write(key, value);
                }
                if (ops.create(k, key, value, codecs.record(value), now, events) && create) {
                    statistics.put(start, 1);
                }
            }
            case UPDATE -> {
                codecs.checkTypes(key, value);
                integration.write(key, value);
                ops.update(k, key, value, codecs.record(value), current, now, events);
                statistics.put(start, 1);
            }
            case REMOVE -> {
                integration.delete(key);
                if (current != null) {
                    ops.remove(k, key, current, events);
                    statistics.removed(start, 1);
                }
            }
        }
    }

    @Override
    public <T> Map<K, EntryProcessorResult<T>> invokeAll(Set<? extends K> keys,
            EntryProcessor<K, V, T> entryProcessor, Object... arguments) {
        checkOpen();
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(entryProcessor, "entryProcessor");
        requireNoNullKey(keys);
        Map<K, EntryProcessorResult<T>> results = new HashMap<>();
        for (K key : keys) {
            try {
                T result = invoke(key, entryProcessor, arguments);
                if (result != null) {
                    results.put(key, () -> result);
                }
            } catch (RuntimeException e) {
                EntryProcessorException failure = e instanceof EntryProcessorException epe ? epe
                        : new EntryProcessorException(e);
                results.put(key, () -> {
                    throw failure;
                });
            }
        }
        return results;
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
            LOG.log(System.Logger.Level.WARNING, "cache " + name + ": unregistering its MBeans failed", e);
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

    /** A weakly consistent iterator over the live entries (see {@link EntryIterator}). */
    @Override
    public Iterator<Cache.Entry<K, V>> iterator() {
        checkOpen();
        return new EntryIterator<>(store, codecs, ops, integration, statistics, this::checkOpen);
    }

    @Override
    public <T> T unwrap(Class<T> clazz) {
        if (clazz.isInstance(this)) {
            return clazz.cast(this);
        }
        throw new IllegalArgumentException("cache " + name + " unwraps to " + HmapCache.class.getName()
                + " only, not to " + clazz.getName());
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

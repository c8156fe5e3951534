package io.hmapstore.jcache;

import io.hmapstore.CacheStats;
import io.hmapstore.Codec;
import io.hmapstore.Codecs;
import io.hmapstore.Concurrency;
import io.hmapstore.OffHeapMap;
import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.event.EventType;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriter;
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
 * <p>Implementation notes. A stored value is a record:
 *
 * <pre>
 *   0        8
 *   +--------+---------------------------+
 *   | expiry | value, encoded by codec    |
 *   +--------+---------------------------+
 * </pre>
 *
 * <p>{@code expiry} is the wall-clock millisecond at and after which the entry is expired, little
 * endian, {@link Long#MAX_VALUE} for never. A fixed-size value codec makes the record fixed-size
 * too, so, say, {@code longs()} keys and values live inline in the bucket slots (8 + 16 bytes).
 * An expired entry is never returned: whichever operation meets it removes it and reports an
 * {@code EXPIRED} event. Memory is given back as the store gives back removed entries.
 *
 * <p>Each key is guarded by one of {@value #STRIPES} striped locks (chosen by the hash of its
 * encoded bytes, so keys equal for the store share a lock). An operation holds its key's lock from
 * its read through the writer call, the store update and the synchronous listeners, which is what
 * makes {@code putIfAbsent}, {@code replace}, {@code invoke} and friends atomic with their
 * write-through and keeps a key's events in order. Operations on many keys take their stripes in
 * ascending order, so two of them cannot deadlock. The store itself runs in
 * {@link Concurrency#CONCURRENT} mode, since different stripes write to it at once.
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
    static final int STRIPES = 64;
    /** Bytes in front of every stored value: the expiry time. */
    private static final int HEADER = Long.BYTES;
    private static final long NEVER = Long.MAX_VALUE;
    /** Returned by the access and update expiry lookups: leave the expiry time as it is. */
    private static final long UNCHANGED = Long.MIN_VALUE;
    private static final VarHandle EXPIRY =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final HmapCacheManager manager;
    private final String name;
    /** The live configuration; snapshots go out. Guarded by {@code this}. */
    private final HmapConfiguration<K, V> configuration;
    private final Class<K> keyType;
    private final Class<V> valueType;
    private final Codec<K> keyCodec;
    private final Codec<V> valueCodec;
    private final CacheStore store;
    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];
    private final CacheLoader<K, V> loader;
    /** Made for {@code <? super K, ? super V>}: it accepts our K and V, which is all we hand it. */
    private final CacheWriter<K, V> writer;
    private final ExpiryPolicy expiry;
    private final boolean readThrough;
    private final boolean writeThrough;
    private final CopyOnWriteArrayList<ListenerRegistration<K, V>> listeners = new CopyOnWriteArrayList<>();
    private final HmapStatistics statistics = new HmapStatistics();
    private final HmapCacheMXBean mxbean = new HmapCacheMXBean(this);
    private volatile boolean statisticsEnabled;
    /** Whether this cache registered each bean (and so may unregister it). Guarded by {@code this}. */
    private boolean statisticsRegistered;
    private boolean managementRegistered;
    /** Runs asynchronous listeners, one event batch after another, so a key's events stay in order. */
    private ExecutorService eventExecutor;
    /** Runs {@link #loadAll}. */
    private ExecutorService loadExecutor;
    private volatile boolean closed;

    @SuppressWarnings("unchecked")
    HmapCache(HmapCacheManager manager, String name, HmapConfiguration<K, V> configuration, ClassLoader classLoader) {
        this.manager = manager;
        this.name = name;
        this.configuration = configuration;
        this.keyType = configuration.getKeyType();
        this.valueType = configuration.getValueType();
        this.keyCodec = configuration.getKeyCodec() != null ? configuration.getKeyCodec()
                : new SerializingCodec<>(keyType, classLoader);
        this.valueCodec = configuration.getValueCodec() != null ? configuration.getValueCodec()
                : new SerializingCodec<>(valueType, classLoader);
        checkCodec("key", keyCodec, keyType);
        checkCodec("value", valueCodec, valueType);
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
        this.loader = configuration.getCacheLoaderFactory() == null ? null : configuration.getCacheLoaderFactory().create();
        this.writer = configuration.getCacheWriterFactory() == null ? null
                : (CacheWriter<K, V>) configuration.getCacheWriterFactory().create();
        this.expiry = configuration.getExpiryPolicyFactory().create();
        this.readThrough = configuration.isReadThrough() && loader != null;
        this.writeThrough = configuration.isWriteThrough() && writer != null;
        for (CacheEntryListenerConfiguration<K, V> listener : configuration.getCacheEntryListenerConfigurations()) {
            listeners.add(new ListenerRegistration<>(listener));
        }
        // Raw codecs keep the store's view of a fixed size, so fixed-size keys and values stay inline.
        int valueSize = valueCodec.fixedSize() == Codec.VARIABLE_SIZE ? Codec.VARIABLE_SIZE
                : HEADER + valueCodec.fixedSize();
        OffHeapMap.Builder<byte[], byte[]> builder = OffHeapMap.of(
                        Codecs.raw(storedId(keyCodec, keyType), keyCodec.fixedSize()),
                        Codecs.raw("jcache-record(" + storedId(valueCodec, valueType) + ")", valueSize))
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
     * The most characters of a Java-serialization identity: the store records 64 bytes per codec
     * identity, and a value's sits inside {@code "jcache-record(...)"}.
     */
    private static final int SERIALIZED_ID_LIMIT = 48;

    /**
     * The codec identity the store records (and a reopened file must match): Java serialization
     * names the configured type too, so a file of one type is not read back as another. A type name
     * too long for the record is shortened to {@code jser:...<its end>#<CRC-32 of the whole name>}.
     */
    static String storedId(Codec<?> codec, Class<?> type) {
        if (!(codec instanceof SerializingCodec<?>)) {
            return codec.id();
        }
        String name = type.getName();
        String id = codec.id() + ":" + name;
        if (id.length() <= SERIALIZED_ID_LIMIT) {
            return id;
        }
        CRC32 crc = new CRC32();
        crc.update(name.getBytes(StandardCharsets.UTF_8));
        String prefix = "jser:...";
        String suffix = String.format("#%08x", crc.getValue());
        return prefix + name.substring(name.length() - (SERIALIZED_ID_LIMIT - prefix.length() - suffix.length())) + suffix;
    }

    private static void checkCodec(String what, Codec<?> codec, Class<?> configured) {
        if (configured != Object.class && !codec.type().isAssignableFrom(configured)
                && !configured.isAssignableFrom(codec.type())) {
            throw new IllegalArgumentException("the " + what + " codec " + codec.id() + " handles "
                    + codec.type().getName() + ", but the configured " + what + " type is " + configured.getName());
        }
    }

    // ------------------------------------------------------------------ records and keys

    private byte[] keyBytes(K key) {
        Objects.requireNonNull(key, "key");
        return encode(keyCodec, key, 0);
    }

    /** A record holding {@code value}, its expiry not yet set. */
    private byte[] record(V value) {
        Objects.requireNonNull(value, "value");
        return encode(valueCodec, value, HEADER);
    }

    private static <T> byte[] encode(Codec<T> codec, T value, int reserve) {
        if (!codec.type().isInstance(value)) {
            throw new ClassCastException(value.getClass().getName() + " cannot be encoded by codec " + codec.id()
                    + ", which handles " + codec.type().getName());
        }
        if (codec instanceof SerializingCodec<T> serializing) {
            return serializing.serialize(value, reserve);
        }
        long size = codec.encodedSize(value);
        if (size > Integer.MAX_VALUE - reserve) {
            throw new IllegalArgumentException("encoded size " + size + " exceeds the largest cache value, "
                    + (Integer.MAX_VALUE - reserve) + " bytes");
        }
        byte[] bytes = new byte[reserve + (int) size];
        codec.encode(value, MemorySegment.ofArray(bytes), reserve);
        return bytes;
    }

    private K key(byte[] bytes) {
        if (keyCodec instanceof SerializingCodec<K> serializing) {
            return serializing.deserialize(bytes, 0, bytes.length);
        }
        return keyCodec.decode(MemorySegment.ofArray(bytes), 0, bytes.length);
    }

    private V value(byte[] record) {
        if (valueCodec instanceof SerializingCodec<V> serializing) {
            return serializing.deserialize(record, HEADER, record.length - HEADER);
        }
        return valueCodec.decode(MemorySegment.ofArray(record), HEADER, record.length - HEADER);
    }

    private static long expiresAt(byte[] record) {
        return (long) EXPIRY.get(record, 0);
    }

    private static byte[] withExpiry(byte[] record, long at) {
        EXPIRY.set(record, 0, at);
        return record;
    }

    private static boolean expired(long at, long now) {
        return at <= now;
    }

    /** Whether two records hold the same value bytes (expiry headers aside). */
    private static boolean sameValue(byte[] a, byte[] b) {
        return Arrays.equals(a, HEADER, a.length, b, HEADER, b.length);
    }

    private void checkTypes(K key, V value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        if (!keyType.isInstance(key)) {
            throw new ClassCastException("key " + key + " is a " + key.getClass().getName()
                    + ", not the configured key type " + keyType.getName());
        }
        if (!valueType.isInstance(value)) {
            throw new ClassCastException("value " + value + " is a " + value.getClass().getName()
                    + ", not the configured value type " + valueType.getName());
        }
    }

    // ------------------------------------------------------------------ expiry

    private static long now() {
        return System.currentTimeMillis();
    }

    private static long at(Duration duration, long now) {
        if (duration.isEternal()) {
            return NEVER;
        }
        long at = duration.getAdjustedTime(now);
        return at < now ? NEVER : at; // overflow: as good as eternal
    }

    private long creationExpiry(long now) {
        Duration d;
        try {
            d = expiry.getExpiryForCreation();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "expiry policy failed on creation; entry is eternal", e);
            return NEVER;
        }
        return d == null ? NEVER : at(d, now);
    }

    private long accessExpiry(long now) {
        try {
            Duration d = expiry.getExpiryForAccess();
            return d == null ? UNCHANGED : at(d, now);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "expiry policy failed on access; expiry unchanged", e);
            return UNCHANGED;
        }
    }

    private long updateExpiry(long now) {
        try {
            Duration d = expiry.getExpiryForUpdate();
            return d == null ? UNCHANGED : at(d, now);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "expiry policy failed on update; expiry unchanged", e);
            return UNCHANGED;
        }
    }

    // ------------------------------------------------------------------ locks

    private ReentrantLock stripe(byte[] keyBytes) {
        int h = Arrays.hashCode(keyBytes);
        return stripes[(h ^ (h >>> 16)) & (STRIPES - 1)];
    }

    /** Locks the stripes of many keys in ascending order (so two such calls cannot deadlock). */
    private int[] lockAll(Collection<byte[]> keys) {
        boolean[] wanted = new boolean[STRIPES];
        for (byte[] k : keys) {
            int h = Arrays.hashCode(k);
            wanted[(h ^ (h >>> 16)) & (STRIPES - 1)] = true;
        }
        int[] held = new int[STRIPES];
        int n = 0;
        try {
            for (int i = 0; i < STRIPES; i++) {
                if (wanted[i]) {
                    stripes[i].lock();
                    held[n++] = i;
                }
            }
        } catch (RuntimeException | Error e) {
            unlockAll(Arrays.copyOf(held, n));
            throw e;
        }
        return Arrays.copyOf(held, n);
    }

    private int[] lockEverything() {
        int[] all = new int[STRIPES];
        for (int i = 0; i < STRIPES; i++) {
            stripes[i].lock();
            all[i] = i;
        }
        return all;
    }

    private void unlockAll(int[] held) {
        for (int i = held.length - 1; i >= 0; i--) {
            stripes[held[i]].unlock();
        }
    }

    // ------------------------------------------------------------------ events

    /** The events one operation produced, delivered once it has changed the store. */
    private final class Events {
        private List<HmapCacheEntryEvent<K, V>> list;

        /** Whether anyone listens; decoding old values only for events is wasted otherwise. */
        boolean wanted() {
            return !listeners.isEmpty();
        }

        void created(K key, V value) {
            add(new HmapCacheEntryEvent<>(HmapCache.this, EventType.CREATED, key, value, null, false));
        }

        void updated(K key, V value, byte[] oldRecord) {
            if (wanted()) {
                add(new HmapCacheEntryEvent<>(HmapCache.this, EventType.UPDATED, key, value, value(oldRecord), true));
            }
        }

        void removed(K key, byte[] oldRecord) {
            gone(EventType.REMOVED, key, oldRecord);
        }

        void expired(K key, byte[] oldRecord) {
            gone(EventType.EXPIRED, key, oldRecord);
        }

        private void gone(EventType type, K key, byte[] oldRecord) {
            if (wanted()) {
                V old = value(oldRecord);
                add(new HmapCacheEntryEvent<>(HmapCache.this, type, key, old, old, true));
            }
        }

        private void add(HmapCacheEntryEvent<K, V> event) {
            if (wanted()) {
                if (list == null) {
                    list = new ArrayList<>(2);
                }
                list.add(event);
            }
        }

        /**
         * Delivers to synchronous listeners now and queues for asynchronous ones. Called with the
         * key's lock held, so a key's events reach every listener in the order they happened.
         *
         * @throws javax.cache.event.CacheEntryListenerException what the first failing synchronous
         *     listener threw (the others still get the events)
         */
        void fire() {
            List<HmapCacheEntryEvent<K, V>> events = list;
            if (events == null) {
                return;
            }
            list = null;
            RuntimeException failure = null;
            Error error = null;
            for (ListenerRegistration<K, V> registration : listeners) {
                if (!registration.synchronous) {
                    submitAsync(registration, events);
                    continue;
                }
                try {
                    registration.deliver(events);
                } catch (RuntimeException e) {
                    failure = first(failure, e);
                } catch (Error e) {
                    error = first(error, e);
                }
            }
            if (error != null) {
                throw error;
            }
            if (failure != null) {
                throw failure;
            }
        }
    }

    private static <T extends Throwable> T first(T first, T next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    private void submitAsync(ListenerRegistration<K, V> registration, List<HmapCacheEntryEvent<K, V>> events) {
        try {
            eventExecutor().execute(() -> {
                try {
                    registration.deliver(events);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "asynchronous cache entry listener failed on cache " + name, e);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.log(System.Logger.Level.DEBUG, "cache " + name + " closed before its events were delivered", e);
        }
    }

    private synchronized ExecutorService eventExecutor() {
        if (eventExecutor == null) {
            eventExecutor = Executors.newSingleThreadExecutor(daemon("events"));
        }
        return eventExecutor;
    }

    private synchronized ExecutorService loadExecutor() {
        if (loadExecutor == null) {
            loadExecutor = Executors.newCachedThreadPool(daemon("loader"));
        }
        return loadExecutor;
    }

    /** Daemon threads: a cache nobody closed must not keep the JVM alive. */
    private ThreadFactory daemon(String role) {
        return r -> {
            Thread t = new Thread(r, "hmapstore-jcache-" + name + "-" + role + "-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    // ------------------------------------------------------------------ integration

    private void writeThrough(K key, V value) {
        if (!writeThrough) {
            return;
        }
        try {
            writer.write(new HmapCacheEntry<>(key, value));
        } catch (CacheWriterException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CacheWriterException("the cache writer failed to write key " + key, e);
        }
    }

    private void deleteThrough(K key) {
        if (!writeThrough) {
            return;
        }
        try {
            writer.delete(key);
        } catch (CacheWriterException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CacheWriterException("the cache writer failed to delete key " + key, e);
        }
    }

    private V load(K key) {
        try {
            return loader.load(key);
        } catch (CacheLoaderException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CacheLoaderException("the cache loader failed to load key " + key, e);
        }
    }

    private Map<K, V> loadAllFromLoader(List<K> keys) {
        try {
            Map<K, V> loaded = loader.loadAll(keys);
            return loaded == null ? Map.of() : loaded;
        } catch (CacheLoaderException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CacheLoaderException("the cache loader failed to load " + keys.size() + " keys", e);
        }
    }

    // ------------------------------------------------------------------ single-key steps (key lock held)

    /** The key's record if it is live; an expired one is removed and reported. */
    private byte[] live(byte[] keyBytes, K key, long now, Events events) {
        byte[] record = store.get(keyBytes);
        if (record != null && expired(expiresAt(record), now)) {
            store.remove(keyBytes);
            events.expired(key, record);
            return null;
        }
        return record;
    }

    /**
     * Creates an entry (there is no live one).
     *
     * @return whether it was stored: an expiry policy may expire it at creation
     */
    private boolean create(byte[] keyBytes, K key, V value, byte[] record, long now, Events events) {
        long at = creationExpiry(now);
        if (expired(at, now)) {
            return false;
        }
        store.put(keyBytes, withExpiry(record, at));
        events.created(key, value);
        return true;
    }

    /** Replaces a live entry's value. */
    private void update(byte[] keyBytes, K key, V value, byte[] record, byte[] current, long now, Events events) {
        long at = updateExpiry(now);
        store.put(keyBytes, withExpiry(record, at == UNCHANGED ? expiresAt(current) : at));
        events.updated(key, value, current);
    }

    /** Applies the access expiry to a live entry that was read. */
    private void accessed(byte[] keyBytes, byte[] current, long now) {
        long at = accessExpiry(now);
        if (at != UNCHANGED && at != expiresAt(current)) {
            store.put(keyBytes, withExpiry(current, at));
        }
    }

    private long start() {
        return statisticsEnabled ? System.nanoTime() : 0;
    }

    // ------------------------------------------------------------------ Cache

    @Override
    public V get(K key) {
        checkOpen();
        long start = start();
        byte[] k = keyBytes(key);
        ReentrantLock lock = stripe(k);
        lock.lock();
        try {
            Events events = new Events();
            V value = get(k, key, now(), events, true);
            events.fire();
            return value;
        } finally {
            lock.unlock();
            if (statisticsEnabled) {
                statistics.getTime(start);
            }
        }
    }

    private V get(byte[] k, K key, long now, Events events, boolean loadIfMissing) {
        byte[] current = live(k, key, now, events);
        if (current != null) {
            if (statisticsEnabled) {
                statistics.hit();
            }
            V value = value(current);
            accessed(k, current, now);
            return value;
        }
        if (statisticsEnabled) {
            statistics.miss();
        }
        if (!loadIfMissing || !readThrough) {
            return null;
        }
        V loaded = load(key);
        if (loaded == null) {
            return null;
        }
        // A value expired at creation is not returned either: the reference implementation's choice.
        return create(k, key, loaded, record(loaded), now, events) ? loaded : null;
    }

    @Override
    public Map<K, V> getAll(Set<? extends K> keys) {
        checkOpen();
        for (K key : keys) {
            Objects.requireNonNull(key, "keys contains null");
        }
        long start = start();
        Map<K, V> result = new HashMap<>(Math.max(4, keys.size() * 2));
        List<K> missing = new ArrayList<>();
        for (K key : keys) {
            byte[] k = keyBytes(key);
            ReentrantLock lock = stripe(k);
            lock.lock();
            try {
                Events events = new Events();
                V value = get(k, key, now(), events, false);
                if (value != null) {
                    result.put(key, value);
                } else {
                    missing.add(key);
                }
                events.fire();
            } finally {
                lock.unlock();
            }
        }
        if (readThrough && !missing.isEmpty()) {
            // The loader runs without locks (it may be slow, or call back into the cache); an entry
            // someone else made meanwhile wins over the loaded one.
            Map<K, V> loaded = loadAllFromLoader(missing);
            for (K key : missing) {
                V value = loaded.get(key);
                if (value != null) {
                    V won = install(key, value, false);
                    if (won != null) {
                        result.put(key, won);
                    }
                }
            }
        }
        if (statisticsEnabled) {
            statistics.getTime(start);
        }
        return result;
    }

    /**
     * Stores a loaded value: creates the entry if absent, replaces it if {@code replace}. Neither
     * writes through nor counts as a put.
     *
     * @return the value now in the cache (the loaded one, or one that was already there), or
     *     {@code null} if the loaded one expired at creation
     */
    private V install(K key, V value, boolean replace) {
        byte[] k = keyBytes(key);
        byte[] record = record(value);
        ReentrantLock lock = stripe(k);
        lock.lock();
        try {
            long now = now();
            Events events = new Events();
            byte[] current = live(k, key, now, events);
            V result;
            if (current == null) {
                result = create(k, key, value, record, now, events) ? value : null;
            } else if (replace) {
                update(k, key, value, record, current, now, events);
                result = value;
            } else {
                result = value(current);
            }
            events.fire();
            return result;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean containsKey(K key) {
        checkOpen();
        byte[] k = keyBytes(key);
        ReentrantLock lock = stripe(k);
        lock.lock();
        try {
            Events events = new Events();
            boolean present = live(k, key, now(), events) != null;
            events.fire();
            return present;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void loadAll(Set<? extends K> keys, boolean replaceExistingValues, CompletionListener completionListener) {
        checkOpen();
        Objects.requireNonNull(keys, "keys");
        for (K key : keys) {
            Objects.requireNonNull(key, "keys contains null");
        }
        if (loader == null) {
            if (completionListener != null) {
                completionListener.onCompletion();
            }
            return;
        }
        List<K> requested = new ArrayList<>(keys);
        loadExecutor().execute(() -> {
            try {
                List<K> toLoad = new ArrayList<>(requested.size());
                for (K key : requested) {
                    if (replaceExistingValues || !containsKey(key)) {
                        toLoad.add(key);
                    }
                }
                if (!toLoad.isEmpty()) {
                    for (Map.Entry<K, V> e : loadAllFromLoader(toLoad).entrySet()) {
                        if (e.getKey() != null && e.getValue() != null) {
                            install(e.getKey(), e.getValue(), replaceExistingValues);
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

    @Override
    public void put(K key, V value) {
        checkOpen();
        checkTypes(key, value);
        long start = start();
        byte[] k = keyBytes(key);
        byte[] record = record(value);
        boolean stored;
        ReentrantLock lock = stripe(k);
        lock.lock();
        try {
            long now = now();
            Events events = new Events();
            stored = put(k, key, value, record, live(k, key, now, events), now, events);
            events.fire();
        } finally {
            lock.unlock();
        }
        if (stored && statisticsEnabled) {
            statistics.puts(1);
            statistics.putTime(start);
        }
    }

    /** Writes through, then creates or updates. @return whether the value was stored */
    private boolean put(byte[] k, K key, V value, byte[] record, byte[] current, long now, Events events) {
        writeThrough(key, value);
        if (current == null) {
            return create(k, key, value, record, now, events);
        }
        update(k, key, value, record, current, now, events);
        return true;
    }

    @Override
    public V getAndPut(K key, V value) {
        checkOpen();
        checkTypes(key, value);
        long start = start();
        byte[] k = keyBytes(key);
        byte[] record = record(value);
        V old;
        boolean stored;
        ReentrantLock lock = stripe(k);
        lock.lock();
        try {
            long now = now();
            Events events = new Events();
            byte[] current = live(k, key, now, events);
            old = current == null ? null : value(current);
            stored = put(k, key, value, record, current, now, events);
            events.fire();
        } finally {
            lock.unlock();
        }
        if (statisticsEnabled) {
            if (old == null) {
                statistics.miss();
            } else {
                statistics.hit();
            }
            statistics.getTime(start);
            if (stored) {
                statistics.puts(1);
                statistics.putTime(start);
            }
        }
        return old;
    }

    /** One entry of a {@code putAll}, encoded before any lock is taken. */
    private record Put<K, V>(K key, V value, byte[] keyBytes, byte[] record, HmapCacheEntry<K, V> entry) {
    }

    @Override
    public void putAll(Map<? extends K, ? extends V> map) {
        checkOpen();
        Objects.requireNonNull(map, "map");
        long start = start();
        List<Put<K, V>> puts = new ArrayList<>(map.size());
        List<byte[]> keys = new ArrayList<>(map.size());
        for (Map.Entry<? extends K, ? extends V> e : map.entrySet()) {
            checkTypes(e.getKey(), e.getValue());
            byte[] k = keyBytes(e.getKey());
            puts.add(new Put<>(e.getKey(), e.getValue(), k, record(e.getValue()),
                    new HmapCacheEntry<>(e.getKey(), e.getValue())));
            keys.add(k);
        }
        CacheWriterException failure = null;
        int stored = 0;
        int[] held = lockAll(keys);
        try {
            Set<Cache.Entry<?, ?>> unwritten = Collections.emptySet();
            if (writeThrough && !puts.isEmpty()) {
                // The writer removes what it wrote from the collection; what remains was not
                // written, and so is not put (the spec's partial-success contract).
                List<Cache.Entry<? extends K, ? extends V>> toWrite = new ArrayList<>(puts.size());
                for (Put<K, V> p : puts) {
                    toWrite.add(p.entry());
                }
                try {
                    writer.writeAll(toWrite);
                } catch (CacheWriterException e) {
                    failure = e;
                } catch (RuntimeException e) {
                    failure = new CacheWriterException("the cache writer failed in writeAll", e);
                }
                unwritten = Collections.newSetFromMap(new IdentityHashMap<>());
                unwritten.addAll(toWrite);
            }
            long now = now();
            Events events = new Events();
            for (Put<K, V> p : puts) {
                if (unwritten.contains(p.entry())) {
                    continue;
                }
                byte[] current = live(p.keyBytes(), p.key(), now, events);
                if (current == null) {
                    if (create(p.keyBytes(), p.key(), p.value(), p.record(), now, events)) {
                        stored++;
                    }
                } else {
                    update(p.keyBytes(), p.key(), p.value(), p.record(), current, now, events);
                    stored++;
                }
            }
            events.fire();
        } finally {
            unlockAll(held);
        }
        if (statisticsEnabled && stored > 0) {
            statistics.puts(stored);
            statistics.putTime(start);
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public boolean putIfAbsent(K key, V value) {
        checkOpen();
        checkTypes(key, value);
        long start = start();
        byte[] k = keyBytes(key);
        byte[] record = record(value);
        boolean stored = false;
        ReentrantLock lock = stripe(k);
        lock.lock();
        try {
            long now = now();
            Events events = new Events();
            if (live(k, key, now, events) == null) {
                stored = put(k, key, value, record, null, now, events);
            }
            events.fire();
        } finally {
            lock.unlock();
        }
        if (statisticsEnabled) {
            if (stored) {
                statistics.miss();
                statistics.puts(1);
                statistics.putTime(start);
            } else {
                statistics.hit();
            }
        }
        return stored;
    }

    @Override
    public boolean remove(K key) {
        checkOpen();
        long start = start();
        byte[] k = keyBytes(key);
        boolean removed = false;
        ReentrantLock lock = stripe(k);
        lock.lock();
        try {
            // The writer hears of the delete whether or not the cache holds the key: the store
            // behind it may.
            deleteThrough(key);
            Events events = new Events();
            byte[] current = live(k, key, now(), events);
            if (current != null) {
                store.remove(k);
                events.removed(key, current);
                removed = true;
            }
            events.fire();
        } finally {
            lock.unlock();
        }
        if (removed && statisticsEnabled) {
            statistics.removals(1);
            statistics.removeTime(start);
        }
        return removed;
    }

    @Override
    public boolean remove(K key, V oldValue) {
        checkOpen();
        Objects.requireNonNull(oldValue, "oldValue");
        long start = start();
        byte[] k = keyBytes(key);
        byte[] expected = record(oldValue);
        boolean hit = false;
        boolean removed = false;
        ReentrantLock lock = stripe(k);
        lock.lock();
        try {
            long now = now();
            Events events = new Events();
            byte[] current = live(k, key, now, events);
            if (current != null) {
                hit = true;
                if (sameValue(current, expected)) {
                    deleteThrough(key);
                    store.remove(k);
                    events.removed(key, current);
                    removed = true;
                } else {
                    accessed(k, current, now);
                }
            }
            events.fire();
        } finally {
            lock.unlock();
        }
        if (statisticsEnabled) {
            if (removed) {
                statistics.removals(1);
                statistics.removeTime(start);
            }
            if (hit) {
                statistics.hit();
            } else {
                statistics.miss();
            }
            statistics.getTime(start);
        }
        return removed;
    }

    @Override
    public V getAndRemove(K key) {
        checkOpen();
        long start = start();
        byte[] k = keyBytes(key);
        V old = null;
        ReentrantLock lock = stripe(k);
        lock.lock();
        try {
            deleteThrough(key);
            Events events = new Events();
            byte[] current = live(k, key, now(), events);
            if (current != null) {
                old = value(current);
                store.remove(k);
                events.removed(key, current);
            }
            events.fire();
        } finally {
            lock.unlock();
        }
        if (statisticsEnabled) {
            statistics.getTime(start);
            if (old != null) {
                statistics.hit();
                statistics.removals(1);
                statistics.removeTime(start);
            } else {
                statistics.miss();
            }
        }
        return old;
    }

    @Override
    public boolean replace(K key, V oldValue, V newValue) {
        checkOpen();
        Objects.requireNonNull(oldValue, "oldValue");
        checkTypes(key, newValue);
        long start = start();
        byte[] k = keyBytes(key);
        byte[] expected = record(oldValue);
        byte[] record = record(newValue);
        boolean hit = false;
        boolean replaced = false;
        ReentrantLock lock = stripe(k);
        lock.lock();
        try {
            long now = now();
            Events events = new Events();
            byte[] current = live(k, key, now, events);
            if (current != null) {
                hit = true;
                if (sameValue(current, expected)) {
                    writeThrough(key, newValue);
                    update(k, key, newValue, record, current, now, events);
                    replaced = true;
                } else {
                    accessed(k, current, now);
                }
            }
            events.fire();
        } finally {
            lock.unlock();
        }
        if (statisticsEnabled) {
            if (replaced) {
                statistics.puts(1);
                statistics.putTime(start);
            }
            if (hit) {
                statistics.hit();
            } else {
                statistics.miss();
            }
            statistics.getTime(start);
        }
        return replaced;
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
        checkTypes(key, value);
        long start = start();
        byte[] k = keyBytes(key);
        byte[] record = record(value);
        Object old = null;
        ReentrantLock lock = stripe(k);
        lock.lock();
        try {
            long now = now();
            Events events = new Events();
            byte[] current = live(k, key, now, events);
            if (current != null) {
                old = decodeOld ? value(current) : this;
                writeThrough(key, value);
                update(k, key, value, record, current, now, events);
            }
            events.fire();
        } finally {
            lock.unlock();
        }
        if (statisticsEnabled) {
            statistics.getTime(start);
            if (old != null) {
                statistics.hit();
                statistics.puts(1);
                statistics.putTime(start);
            } else {
                statistics.miss();
            }
        }
        return (V) old;
    }

    @Override
    public void removeAll(Set<? extends K> keys) {
        checkOpen();
        Objects.requireNonNull(keys, "keys");
        long start = start();
        Map<K, byte[]> encoded = new LinkedHashMap<>();
        for (K key : keys) {
            encoded.put(key, keyBytes(key));
        }
        int[] held = lockAll(encoded.values());
        try {
            removeLocked(encoded, start);
        } finally {
            unlockAll(held);
        }
    }

    @Override
    public void removeAll() {
        checkOpen();
        long start = start();
        int[] held = lockEverything();
        try {
            if (!writeThrough && listeners.isEmpty()) {
                // Nobody to tell: count what is live for the statistics and drop the rest at once.
                long now = now();
                long live = 0;
                for (Map.Entry<byte[], byte[]> e : store.entries()) {
                    if (!expired(expiresAt(e.getValue()), now)) {
                        live++;
                    }
                }
                store.clear();
                if (statisticsEnabled && live > 0) {
                    statistics.removals(live);
                    statistics.removeTime(start);
                }
                return;
            }
            Map<K, byte[]> encoded = new LinkedHashMap<>();
            for (Map.Entry<byte[], byte[]> e : store.entries()) {
                encoded.put(key(e.getKey()), e.getKey());
            }
            removeLocked(encoded, start);
        } finally {
            unlockAll(held);
        }
    }

    /** Removes the given keys, deleting through in one {@code deleteAll}; their stripes are held. */
    private void removeLocked(Map<K, byte[]> keys, long start) {
        CacheWriterException failure = null;
        Collection<K> undeleted = Collections.emptySet();
        if (writeThrough && !keys.isEmpty()) {
            // A copy: the writer removes what it deleted, and the caller's set is not ours to change.
            undeleted = new ArrayList<>(keys.keySet());
            try {
                writer.deleteAll(undeleted);
            } catch (CacheWriterException e) {
                failure = e;
            } catch (RuntimeException e) {
                failure = new CacheWriterException("the cache writer failed in deleteAll", e);
            }
            if (!undeleted.isEmpty()) {
                undeleted = new HashSet<>(undeleted);
            }
        }
        long now = now();
        long removed = 0;
        Events events = new Events();
        for (Map.Entry<K, byte[]> e : keys.entrySet()) {
            if (undeleted.contains(e.getKey())) {
                continue;
            }
            byte[] current = store.remove(e.getValue());
            if (current == null) {
                continue;
            }
            if (expired(expiresAt(current), now)) {
                events.expired(e.getKey(), current);
            } else {
                events.removed(e.getKey(), current);
                removed++;
            }
        }
        try {
            events.fire();
        } finally {
            if (statisticsEnabled && removed > 0) {
                statistics.removals(removed);
                statistics.removeTime(start);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public void clear() {
        checkOpen();
        int[] held = lockEverything();
        try {
            store.clear();
        } finally {
            unlockAll(held);
        }
    }

    @Override
    public <T> T invoke(K key, EntryProcessor<K, V, T> entryProcessor, Object... arguments) {
        checkOpen();
        Objects.requireNonNull(entryProcessor, "entryProcessor");
        long start = start();
        byte[] k = keyBytes(key);
        ReentrantLock lock = stripe(k);
        lock.lock();
        try {
            long now = now();
            Events events = new Events();
            byte[] current = live(k, key, now, events);
            if (statisticsEnabled) {
                if (current != null) {
                    statistics.hit();
                } else {
                    statistics.miss();
                }
                statistics.getTime(start);
                start = System.nanoTime();
            }
            ProcessorEntry<K, V> entry = new ProcessorEntry<>(key, current != null,
                    () -> value(current), readThrough ? loader : null);
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
            apply(k, key, entry, current, now, events, start);
            events.fire();
            return result;
        } finally {
            lock.unlock();
        }
    }

    /** Does what the processor's net operation asks for. */
    private void apply(byte[] k, K key, ProcessorEntry<K, V> entry, byte[] current, long now, Events events,
            long start) {
        V value = entry.newValue();
        switch (entry.operation()) {
            case NONE -> { }
            case ACCESS -> accessed(k, current, now);
            case CREATE, LOAD -> {
                checkTypes(key, value);
                if (entry.operation() == ProcessorEntry.Operation.CREATE) {
                    writeThrough(key, value);
                }
                if (create(k, key, value, record(value), now, events)
                        && entry.operation() == ProcessorEntry.Operation.CREATE && statisticsEnabled) {
                    statistics.puts(1);
                    statistics.putTime(start);
                }
            }
            case UPDATE -> {
                checkTypes(key, value);
                writeThrough(key, value);
                update(k, key, value, record(value), current, now, events);
                if (statisticsEnabled) {
                    statistics.puts(1);
                    statistics.putTime(start);
                }
            }
            case REMOVE -> {
                deleteThrough(key);
                if (current != null) {
                    store.remove(k);
                    events.removed(key, current);
                    if (statisticsEnabled) {
                        statistics.removals(1);
                        statistics.removeTime(start);
                    }
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
        for (K key : keys) {
            Objects.requireNonNull(key, "keys contains null");
        }
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
     * listeners where they are {@link Closeable}, and unmaps its store, whose entries are gone.
     * Idempotent.
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
        closeQuietly(loader);
        closeQuietly(writer);
        closeQuietly(expiry);
        for (ListenerRegistration<K, V> registration : listeners) {
            closeQuietly(registration.listener);
        }
        shutdown(eventExecutor);
        shutdown(loadExecutor);
        // Wait out operations in flight (they hold stripes) so none touches unmapped memory.
        int[] held = lockEverything();
        try {
            store.close();
        } finally {
            unlockAll(held);
        }
    }

    private void closeQuietly(Object o) {
        if (o instanceof Closeable c) {
            try {
                c.close();
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "cache " + name + ": closing " + o.getClass().getName() + " failed", e);
            }
        }
    }

    private void shutdown(ExecutorService executor) {
        ExecutorService e;
        synchronized (this) {
            e = executor;
        }
        if (e == null) {
            return;
        }
        e.shutdown();
        try {
            if (!e.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "cache " + name + ": background work still running after close");
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
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
                listeners.add(new ListenerRegistration<>(listenerConfiguration));
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
            listeners.removeIf(r -> r.configuration.equals(listenerConfiguration));
        }
    }

    @Override
    public Iterator<Cache.Entry<K, V>> iterator() {
        checkOpen();
        return new EntryIterator();
    }

    /**
     * Walks the store (weakly consistent: entries added or removed meanwhile may or may not be
     * seen); each entry is re-read under its key's lock, so what comes out is live, and reading it
     * is an access for expiry and statistics.
     */
    private final class EntryIterator implements Iterator<Cache.Entry<K, V>> {
        private final Iterator<Map.Entry<byte[], byte[]>> walk = store.entries().iterator();
        private HmapCacheEntry<K, V> next;
        private HmapCacheEntry<K, V> last;
        private byte[] lastKey;
        private byte[] nextKey;

        @Override
        public boolean hasNext() {
            while (next == null && walk.hasNext()) {
                long start = start();
                byte[] k = walk.next().getKey();
                ReentrantLock lock = stripe(k);
                lock.lock();
                try {
                    long now = now();
                    byte[] current = store.get(k);
                    if (current == null) {
                        continue;
                    }
                    K key = key(k);
                    Events events = new Events();
                    if (expired(expiresAt(current), now)) {
                        store.remove(k);
                        events.expired(key, current);
                    } else {
                        next = new HmapCacheEntry<>(key, value(current));
                        nextKey = k;
                        accessed(k, current, now);
                        if (statisticsEnabled) {
                            statistics.hit();
                            statistics.getTime(start);
                        }
                    }
                    events.fire();
                } finally {
                    lock.unlock();
                }
            }
            return next != null;
        }

        @Override
        public Cache.Entry<K, V> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            last = next;
            lastKey = nextKey;
            next = null;
            return last;
        }

        @Override
        public void remove() {
            if (last == null) {
                throw new IllegalStateException("next() has not been called, or remove() was called already");
            }
            checkOpen();
            long start = start();
            K key = last.getKey();
            byte[] k = lastKey;
            last = null;
            ReentrantLock lock = stripe(k);
            lock.lock();
            try {
                deleteThrough(key);
                Events events = new Events();
                byte[] current = store.remove(k);
                if (current != null) {
                    events.removed(key, current);
                    if (statisticsEnabled) {
                        statistics.removals(1);
                        statistics.removeTime(start);
                    }
                }
                events.fire();
            } finally {
                lock.unlock();
            }
        }
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
        if (enabled && !statisticsRegistered && !closed) {
            statisticsRegistered = Management.register(this, Management.Type.STATISTICS, statistics,
                    CacheStatisticsMXBean.class);
        } else if (!enabled && statisticsRegistered) {
            Management.unregister(this, Management.Type.STATISTICS);
            statisticsRegistered = false;
        }
        if (enabled != statisticsEnabled) {
            statistics.evictionsCounted(enabled);
        }
        statisticsEnabled = enabled;
        configuration.setStatisticsEnabled(enabled);
    }

    /**
     * Turns management on or off; on registers the configuration MXBean, off unregisters it.
     *
     * @param enabled whether to expose the configuration over JMX
     */
    synchronized void setManagementEnabled(boolean enabled) {
        if (enabled && !managementRegistered && !closed) {
            managementRegistered = Management.register(this, Management.Type.CONFIGURATION, mxbean, CacheMXBean.class);
        } else if (!enabled && managementRegistered) {
            Management.unregister(this, Management.Type.CONFIGURATION);
            managementRegistered = false;
        }
        configuration.setManagementEnabled(enabled);
    }

    @Override
    public String toString() {
        return "HmapCache[" + name + " in " + manager.getURI() + ", keys " + keyCodec + ", values " + valueCodec + "]";
    }
}

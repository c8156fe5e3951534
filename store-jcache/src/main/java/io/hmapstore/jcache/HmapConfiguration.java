package io.hmapstore.jcache;

import io.hmapstore.Codec;
import java.nio.file.Path;
import java.util.Objects;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.Factory;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;

/**
 * A JCache configuration with what an off-heap cache can use beyond the standard one: the store's
 * own {@link Codec}s for keys and values, a sizing hint, bounds past which the store evicts, a
 * file that keeps the entries across restarts, and huge pages for a large cache.
 *
 * <pre>{@code
 * HmapConfiguration<Long, String> config = HmapConfiguration.of(Codecs.longs(), Codecs.utf8())
 *         .expectedEntries(100_000)
 *         .maxEntries(1_000_000)                              // evicts past it (S3-FIFO)
 *         .persistTo(Path.of("/var/cache/users.hmap"))        // optional: survives a restart
 *         .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(Duration.ONE_HOUR));
 * Cache<Long, String> users = cacheManager.createCache("users", config);
 * }</pre>
 *
 * <p>Evictions are counted in the cache's statistics ({@code getCacheEvictions}); JCache has no
 * listener event for them, so listeners hear nothing.
 *
 * <p>Without codecs, keys and values are Java-serialized ({@link SerializingCodec}); with them,
 * a {@code Long} key takes 8 bytes inline in a bucket slot instead of ~80 serialized bytes in the
 * entry heap, and nothing is serialized on the way in or out. Codecs must be deterministic (equal
 * keys encode to equal bytes), as every hmapstore codec is.
 *
 * <p>Every setter of {@link MutableConfiguration} is overridden only to return this type, so a
 * chain of calls keeps the hmapstore options within reach.
 *
 * <p>The codecs are not serializable (they are code, not data), so they are {@code transient}: a
 * configuration that went through serialization falls back to {@link SerializingCodec}.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class HmapConfiguration<K, V> extends MutableConfiguration<K, V> {

    private static final long serialVersionUID = 1L;

    /** The default sizing hint: small, since a cache manager may hold many caches. */
    public static final long DEFAULT_EXPECTED_ENTRIES = 1024;

    private transient Codec<K> keyCodec;
    private transient Codec<V> valueCodec;
    /** The sizing hint handed to the store. */
    private long expectedEntries = DEFAULT_EXPECTED_ENTRIES;
    /** The entry bound, 0 for none. */
    private long maxEntries;
    /** The memory bound in bytes, 0 for none. */
    private long maxBytes;
    /** A string, since a configuration is {@code Serializable} and a {@link Path} is not. */
    private String persistPath;
    /** Whether the store's memory is advised for transparent huge pages. */
    private boolean transparentHugePages;

    /** An untyped configuration with the JCache defaults: store by value, eternal, no loader or writer. */
    public HmapConfiguration() {
    }

    /**
     * Copies a configuration; the hmapstore options too when it is an {@code HmapConfiguration}.
     *
     * @param configuration what to copy
     */
    public HmapConfiguration(CompleteConfiguration<K, V> configuration) {
        super(configuration);
        if (configuration instanceof HmapConfiguration<K, V> other) {
            this.keyCodec = other.keyCodec;
            this.valueCodec = other.valueCodec;
            this.expectedEntries = other.expectedEntries;
            this.maxEntries = other.maxEntries;
            this.maxBytes = other.maxBytes;
            this.persistPath = other.persistPath;
            this.transparentHugePages = other.transparentHugePages;
        }
    }

    /**
     * A configuration typed by, and storing through, the given codecs.
     *
     * @param keyCodec encodes keys
     * @param valueCodec encodes values
     * @param <K> key type
     * @param <V> value type
     * @return a new configuration with {@code setTypes(keyCodec.type(), valueCodec.type())}
     */
    public static <K, V> HmapConfiguration<K, V> of(Codec<K> keyCodec, Codec<V> valueCodec) {
        HmapConfiguration<K, V> config = new HmapConfiguration<>();
        config.setTypes(keyCodec.type(), valueCodec.type());
        return config.keyCodec(keyCodec).valueCodec(valueCodec);
    }

    /**
     * Copies any JCache configuration: a {@link CompleteConfiguration} whole, a plain
     * {@link Configuration} by its types and store-by-value flag.
     *
     * @param configuration what to copy
     * @param <K> key type
     * @param <V> value type
     * @return a new configuration
     */
    public static <K, V> HmapConfiguration<K, V> copyOf(Configuration<K, V> configuration) {
        if (configuration instanceof CompleteConfiguration<K, V> complete) {
            return new HmapConfiguration<>(complete);
        }
        HmapConfiguration<K, V> config = new HmapConfiguration<>();
        config.setTypes(configuration.getKeyType(), configuration.getValueType());
        config.setStoreByValue(configuration.isStoreByValue());
        return config;
    }

    /** @return the key codec, or {@code null} for Java serialization */
    public Codec<K> getKeyCodec() {
        return keyCodec;
    }

    /** @return the value codec, or {@code null} for Java serialization */
    public Codec<V> getValueCodec() {
        return valueCodec;
    }

    /** @return the sizing hint handed to the store */
    public long getExpectedEntries() {
        return expectedEntries;
    }

    /** @return the entry bound, or 0 for none */
    public long getMaxEntries() {
        return maxEntries;
    }

    /** @return the memory bound in bytes, or 0 for none */
    public long getMaxBytes() {
        return maxBytes;
    }

    /** @return the file the cache's store lives in, or {@code null} for anonymous memory */
    public Path getPersistPath() {
        return persistPath == null ? null : Path.of(persistPath);
    }

    /** @return whether the store's memory is advised for transparent huge pages */
    public boolean isTransparentHugePages() {
        return transparentHugePages;
    }

    /**
     * Stores keys through one of the store's codecs instead of Java serialization.
     *
     * @param codec the codec, or {@code null} for Java serialization
     * @return this
     */
    public HmapConfiguration<K, V> keyCodec(Codec<K> codec) {
        this.keyCodec = codec;
        return this;
    }

    /**
     * Stores values through one of the store's codecs instead of Java serialization.
     *
     * @param codec the codec, or {@code null} for Java serialization
     * @return this
     */
    public HmapConfiguration<K, V> valueCodec(Codec<V> codec) {
        this.valueCodec = codec;
        return this;
    }

    /**
     * A sizing hint, not a limit: the store starts large enough for this many entries.
     *
     * @param n entries, at least 0
     * @return this
     */
    public HmapConfiguration<K, V> expectedEntries(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("expectedEntries must be >= 0, was " + n);
        }
        this.expectedEntries = n;
        return this;
    }

    /**
     * Bounds the number of entries: past it, writes evict what is least worth keeping (the store's
     * S3-FIFO). The store is sized for the bound up front.
     *
     * @param n the most entries kept, at least 1
     * @return this
     */
    public HmapConfiguration<K, V> maxEntries(long n) {
        if (n < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1, was " + n);
        }
        this.maxEntries = n;
        return this;
    }

    /**
     * Bounds the store's memory: it never maps more than this, and writes evict (S3-FIFO) to keep the
     * entries within it.
     *
     * @param bytes the most bytes mapped, at least 1 MiB
     * @return this
     */
    public HmapConfiguration<K, V> maxBytes(long bytes) {
        if (bytes < (1 << 20)) {
            throw new IllegalArgumentException("maxBytes must be at least 1 MiB, was " + bytes);
        }
        this.maxBytes = bytes;
        return this;
    }

    /**
     * Keeps the cache in a file: a cache created over an existing file starts with its entries (their
     * expiry times are wall-clock, so they run on while the process is down). The file is opened with
     * the codecs' identities recorded in it, so a cache configured with other codecs is refused, naming
     * both. One cache at a time may hold a file.
     *
     * @param file the store file, created if missing
     * @return this
     */
    public HmapConfiguration<K, V> persistTo(Path file) {
        this.persistPath = Objects.requireNonNull(file, "file").toAbsolutePath().toString();
        return this;
    }

    /**
     * Advises transparent huge pages for the cache's store ({@code OffHeapMap.Builder.transparentHugePages}),
     * off by default. It pays for a cache of a hundred megabytes or more read at random: measured on the
     * store, a hit on 100-byte values took 15 % less time at 1M entries and 26 % less at 10M
     * (benchmarks/README.md). The costs: memory is taken 2 MiB at a time as the store grows, and the
     * kernel may ignore the advice. For a cache kept in a file it is up to the filesystem.
     *
     * @param advise whether to advise them
     * @return this
     */
    public HmapConfiguration<K, V> transparentHugePages(boolean advise) {
        this.transparentHugePages = advise;
        return this;
    }

    @Override
    public HmapConfiguration<K, V> setTypes(Class<K> keyType, Class<V> valueType) {
        super.setTypes(keyType, valueType);
        return this;
    }

    @Override
    public HmapConfiguration<K, V> addCacheEntryListenerConfiguration(
            CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
        super.addCacheEntryListenerConfiguration(listenerConfiguration);
        return this;
    }

    @Override
    public HmapConfiguration<K, V> removeCacheEntryListenerConfiguration(
            CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
        super.removeCacheEntryListenerConfiguration(listenerConfiguration);
        return this;
    }

    @Override
    public HmapConfiguration<K, V> setCacheLoaderFactory(Factory<? extends CacheLoader<K, V>> factory) {
        super.setCacheLoaderFactory(factory);
        return this;
    }

    @Override
    public HmapConfiguration<K, V> setCacheWriterFactory(
            Factory<? extends CacheWriter<? super K, ? super V>> factory) {
        super.setCacheWriterFactory(factory);
        return this;
    }

    @Override
    public HmapConfiguration<K, V> setExpiryPolicyFactory(Factory<? extends ExpiryPolicy> factory) {
        super.setExpiryPolicyFactory(factory);
        return this;
    }

    @Override
    public HmapConfiguration<K, V> setReadThrough(boolean isReadThrough) {
        super.setReadThrough(isReadThrough);
        return this;
    }

    @Override
    public HmapConfiguration<K, V> setWriteThrough(boolean isWriteThrough) {
        super.setWriteThrough(isWriteThrough);
        return this;
    }

    @Override
    public HmapConfiguration<K, V> setStoreByValue(boolean isStoreByValue) {
        super.setStoreByValue(isStoreByValue);
        return this;
    }

    @Override
    public HmapConfiguration<K, V> setStatisticsEnabled(boolean enabled) {
        super.setStatisticsEnabled(enabled);
        return this;
    }

    @Override
    public HmapConfiguration<K, V> setManagementEnabled(boolean enabled) {
        super.setManagementEnabled(enabled);
        return this;
    }

    @Override
    public boolean equals(Object object) {
        return super.equals(object) && object instanceof HmapConfiguration<?, ?> other
                && Objects.equals(keyCodec, other.keyCodec) && Objects.equals(valueCodec, other.valueCodec)
                && expectedEntries == other.expectedEntries && maxEntries == other.maxEntries
                && maxBytes == other.maxBytes && Objects.equals(persistPath, other.persistPath)
                && transparentHugePages == other.transparentHugePages;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * super.hashCode() + Objects.hashCode(keyCodec)) + Objects.hashCode(valueCodec);
    }
}

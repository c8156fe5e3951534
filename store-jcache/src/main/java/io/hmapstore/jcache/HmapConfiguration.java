package io.hmapstore.jcache;

import io.hmapstore.Codec;
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
 * own {@link Codec}s for keys and values, and a sizing hint.
 *
 * <pre>{@code
 * HmapConfiguration<Long, String> config = HmapConfiguration.of(Codecs.longs(), Codecs.utf8())
 *         .expectedEntries(100_000)
 *         .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(Duration.ONE_HOUR));
 * Cache<Long, String> users = cacheManager.createCache("users", config);
 * }</pre>
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
    private long expectedEntries = DEFAULT_EXPECTED_ENTRIES;

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
                && expectedEntries == other.expectedEntries;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * super.hashCode() + Objects.hashCode(keyCodec)) + Objects.hashCode(valueCodec);
    }
}

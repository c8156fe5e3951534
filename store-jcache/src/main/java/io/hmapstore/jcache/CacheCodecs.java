package io.hmapstore.jcache;

import io.hmapstore.Codec;
import io.hmapstore.Codecs;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * How a cache turns its keys and values into the bytes its store holds, and back: the configured
 * codecs (Java serialization by default), the configured types they are checked against, and the
 * raw codecs that give the store the keys' and {@link CacheRecord records}' identities and sizes.
 *
 * <p>Every decode makes a fresh object, which is what makes the cache store-by-value.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class CacheCodecs<K, V> {
    /**
     * The most characters of a Java-serialization identity: the store records 64 bytes per codec
     * identity, and a value's sits inside {@code "jcache-record(...)"}.
     */
    private static final int SERIALIZED_ID_LIMIT = 48;

    private final Class<K> keyType;
    private final Class<V> valueType;
    private final Codec<K> keyCodec;
    private final Codec<V> valueCodec;

    /**
     * @throws IllegalArgumentException if a configured codec cannot handle its configured type
     */
    CacheCodecs(HmapConfiguration<K, V> configuration, ClassLoader classLoader) {
        this.keyType = configuration.getKeyType();
        this.valueType = configuration.getValueType();
        this.keyCodec = configuration.getKeyCodec() != null ? configuration.getKeyCodec()
                : new SerializingCodec<>(keyType, classLoader);
        this.valueCodec = configuration.getValueCodec() != null ? configuration.getValueCodec()
                : new SerializingCodec<>(valueType, classLoader);
        checkCodec("key", keyCodec, keyType);
        checkCodec("value", valueCodec, valueType);
    }

    private static void checkCodec(String what, Codec<?> codec, Class<?> configured) {
        if (configured != Object.class && !codec.type().isAssignableFrom(configured)
                && !configured.isAssignableFrom(codec.type())) {
            throw new IllegalArgumentException("the " + what + " codec " + codec.id() + " handles "
                    + codec.type().getName() + ", but the configured " + what + " type is " + configured.getName());
        }
    }

    /**
     * The store's key codec: raw bytes, under the configured codec's identity and fixed size, so
     * fixed-size keys stay inline in the bucket slots.
     */
    Codec<byte[]> storeKeyCodec() {
        return Codecs.raw(storedId(keyCodec, keyType), keyCodec.fixedSize());
    }

    /** The store's value codec: raw {@link CacheRecord records}, fixed-size when the value codec is. */
    Codec<byte[]> storeRecordCodec() {
        return Codecs.raw("jcache-record(" + storedId(valueCodec, valueType) + ")",
                CacheRecord.fixedSize(valueCodec.fixedSize()));
    }

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

    /** @throws NullPointerException for a null key */
    byte[] keyBytes(K key) {
        Objects.requireNonNull(key, "key");
        return encode(keyCodec, key, 0);
    }

    /**
     * @return a record holding {@code value}, its expiry not yet set
     * @throws NullPointerException for a null value
     */
    byte[] record(V value) {
        Objects.requireNonNull(value, "value");
        return encode(valueCodec, value, CacheRecord.VALUE);
    }

    /** Encodes {@code value} behind {@code reserve} bytes left for a header. */
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

    /** @return a fresh key decoded from the store's key bytes */
    K key(byte[] bytes) {
        if (keyCodec instanceof SerializingCodec<K> serializing) {
            return serializing.deserialize(bytes, 0, bytes.length);
        }
        return keyCodec.decode(MemorySegment.ofArray(bytes), 0, bytes.length);
    }

    /** @return a fresh value decoded from a record */
    V value(byte[] record) {
        int length = CacheRecord.valueLength(record);
        if (valueCodec instanceof SerializingCodec<V> serializing) {
            return serializing.deserialize(record, CacheRecord.VALUE, length);
        }
        return valueCodec.decode(MemorySegment.ofArray(record), CacheRecord.VALUE, length);
    }

    /**
     * Checks a key and value against the configured types, which a codec for a supertype would not.
     *
     * @throws NullPointerException for a null key or value
     * @throws ClassCastException for a key or value not of its configured type
     */
    void checkTypes(K key, V value) {
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

    @Override
    public String toString() {
        return "keys " + keyCodec + ", values " + valueCodec;
    }
}

package io.hmapstore.jcache;

import io.hmapstore.Codec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.WeakReference;
import java.util.Objects;
import javax.cache.CacheException;

/**
 * A {@link Codec} that stores any {@link java.io.Serializable} object in its Java-serialized form.
 * This is what a JCache cache uses for keys and values unless its {@link HmapConfiguration} names
 * one of the store's own codecs.
 *
 * <p>As a key codec it makes keys compare by their serialized bytes, which is what JCache's
 * store-by-value semantics ask for (the reference implementation compares serialized forms too).
 * Two keys are then the same entry when they serialize to the same bytes: true for the JDK's
 * value types ({@code Long}, {@code String}, records of them ...) and for any class whose
 * serialized form is a function of what its {@code equals} compares. A key class whose
 * {@code equals} ignores a non-transient field, or whose serialized form depends on history (a
 * {@code HashSet} filled in another order), is not a good cache key here.
 *
 * <p>Objects are read back with the class loader given at construction (the cache manager's), so
 * a cache in one application's loader can hold that application's classes.
 *
 * <p>Implementation note: the {@link Codec} contract asks for the size first and the bytes
 * second, which would serialize twice; the JCache layer calls {@link #serialize} once and stores
 * the array, and only direct users of this class as a store codec pay the second pass.
 *
 * @param <T> the Java type, {@code Object} when the cache is untyped
 */
public final class SerializingCodec<T> implements Codec<T> {

    private final Class<T> type;
    /** Weak so a cache does not pin an undeployed application's class loader. */
    private final WeakReference<ClassLoader> loader;

    /**
     * @param type the type decoded values are cast to ({@code Object.class} accepts anything)
     * @param loader resolves classes when reading back; {@code null} for this class's loader
     */
    public SerializingCodec(Class<T> type, ClassLoader loader) {
        this.type = Objects.requireNonNull(type, "type");
        this.loader = new WeakReference<>(loader != null ? loader : SerializingCodec.class.getClassLoader());
    }

    /**
     * Serializes a value.
     *
     * @param value the value
     * @return its serialized bytes
     * @throws IllegalArgumentException if the value (or something it refers to) is not serializable
     */
    public byte[] serialize(T value) {
        return serialize(value, 0);
    }

    /**
     * Serializes a value after {@code reserve} zero bytes, so a caller can put a header in front
     * without copying the array again.
     */
    byte[] serialize(T value, int reserve) {
        Objects.requireNonNull(value, "value");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + reserve);
        bytes.write(new byte[reserve], 0, reserve);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (NotSerializableException e) {
            throw new IllegalArgumentException("not serializable: " + value.getClass().getName()
                    + " (" + e.getMessage() + "); a store-by-value cache copies keys and values by"
                    + " serialization, or through the codecs an HmapConfiguration names", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("failed to serialize a " + value.getClass().getName(), e);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads a value back.
     *
     * @param bytes what {@link #serialize} wrote
     * @param offset the first byte
     * @param length the number of bytes
     * @return a fresh copy of the value
     * @throws CacheException if the bytes cannot be read or name a class the loader cannot find
     */
    public T deserialize(byte[] bytes, int offset, int length) {
        try (ObjectInputStream in = new LoaderObjectInputStream(
                new ByteArrayInputStream(bytes, offset, length), loader.get())) {
            return type.cast(in.readObject());
        } catch (ClassNotFoundException e) {
            throw new CacheException("failed to resolve a class while deserializing: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new CacheException("failed to deserialize a " + type.getName() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String id() {
        return "java-serialization";
    }

    @Override
    public int fixedSize() {
        return VARIABLE_SIZE;
    }

    @Override
    public long encodedSize(T value) {
        return serialize(value).length;
    }

    @Override
    public void encode(T value, MemorySegment target, long offset) {
        byte[] bytes = serialize(value);
        MemorySegment.copy(bytes, 0, target, ValueLayout.JAVA_BYTE, offset, bytes.length);
    }

    @Override
    public T decode(MemorySegment source, long offset, long length) {
        byte[] bytes = source.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
        return deserialize(bytes, 0, bytes.length);
    }

    @Override
    public Class<T> type() {
        return type;
    }

    @Override
    public String toString() {
        return id() + "(" + type.getName() + ")";
    }

    /** Resolves classes through a given loader first, as the cache manager's classes may live there. */
    private static final class LoaderObjectInputStream extends ObjectInputStream {
        private final ClassLoader loader;

        LoaderObjectInputStream(InputStream in, ClassLoader loader) throws IOException {
            super(in);
            this.loader = loader;
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            if (loader != null) {
                try {
                    return Class.forName(desc.getName(), false, loader);
                } catch (ClassNotFoundException e) {
                    // Fall through: primitives and arrays of them are only resolved by the default.
                }
            }
            return super.resolveClass(desc);
        }
    }
}

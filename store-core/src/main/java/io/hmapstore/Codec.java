package io.hmapstore;

import java.lang.foreign.MemorySegment;

/**
 * How a key or value type is written to and read from off-heap memory.
 *
 * <p>A codec with a {@linkplain #fixedSize() fixed size} is stored inline in the bucket's key or
 * value slots; a variable-size codec is stored in the entry heap and the slot holds an offset.
 * Keys are compared and hashed by their encoded bytes, so {@link #encode} must be deterministic:
 * equal keys (by {@code equals}) must encode to equal bytes.
 *
 * @param <T> the Java type
 */
public interface Codec<T> {

    /** Marks a variable-size codec in {@link #fixedSize()}. */
    int VARIABLE_SIZE = -1;

    /**
     * A stable name for this codec and its format, recorded in persistent files so a store cannot be
     * reopened with a codec that would misread it (for example {@code "longs/le64"}).
     *
     * @return the identity
     */
    String id();

    /**
     * The encoded size of every value, or {@link #VARIABLE_SIZE}.
     *
     * @return bytes per value, or {@link #VARIABLE_SIZE}
     */
    int fixedSize();

    /**
     * The encoded size of {@code value}; equal to {@link #fixedSize()} for fixed-size codecs.
     *
     * @param value the value, never null
     * @return its encoded length in bytes
     */
    long encodedSize(T value);

    /**
     * Writes exactly {@link #encodedSize(Object) encodedSize(value)} bytes.
     *
     * @param value the value, never null
     * @param target where to write
     * @param offset the first byte written
     */
    void encode(T value, MemorySegment target, long offset);

    /**
     * Reads a value back from the bytes {@link #encode} wrote.
     *
     * @param source where to read
     * @param offset the first byte
     * @param length the encoded length
     * @return the value
     */
    T decode(MemorySegment source, long offset, long length);

    /**
     * The type this codec handles, used to reject foreign objects in {@code get(Object)} without a
     * {@link ClassCastException}.
     *
     * @return the Java type
     */
    Class<T> type();
}

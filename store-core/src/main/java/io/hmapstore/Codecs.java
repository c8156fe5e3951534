package io.hmapstore;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/** The codecs hmapstore ships: fixed-size {@link #longs()} and {@link #ints()}, variable-size {@link #utf8()} and {@link #bytes()}. */
public final class Codecs {

    static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;

    private static final Codec<Long> LONGS = new Codec<>() {
        @Override public String id() { return "longs/le64"; }
        @Override public int fixedSize() { return Long.BYTES; }
        @Override public long encodedSize(Long value) { return Long.BYTES; }
        @Override public void encode(Long value, MemorySegment target, long offset) { target.set(LONG, offset, value); }
        @Override public Long decode(MemorySegment source, long offset, long length) { return source.get(LONG, offset); }
        @Override public Class<Long> type() { return Long.class; }
        @Override public String toString() { return id(); }
    };

    private static final Codec<Integer> INTS = new Codec<>() {
        @Override public String id() { return "ints/le32"; }
        @Override public int fixedSize() { return Integer.BYTES; }
        @Override public long encodedSize(Integer value) { return Integer.BYTES; }
        @Override public void encode(Integer value, MemorySegment target, long offset) { target.set(INT, offset, value); }
        @Override public Integer decode(MemorySegment source, long offset, long length) { return source.get(INT, offset); }
        @Override public Class<Integer> type() { return Integer.class; }
        @Override public String toString() { return id(); }
    };

    private static final Codec<String> UTF8 = new Codec<>() {
        @Override public String id() { return "utf8"; }
        @Override public int fixedSize() { return VARIABLE_SIZE; }
        // Encoding twice (size, then bytes) would cost a second pass; the store asks for the size
        // first, so both go through the byte[] the JDK makes anyway.
        @Override public long encodedSize(String value) { return value.getBytes(StandardCharsets.UTF_8).length; }
        @Override public void encode(String value, MemorySegment target, long offset) {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            MemorySegment.copy(bytes, 0, target, ValueLayout.JAVA_BYTE, offset, bytes.length);
        }
        @Override public String decode(MemorySegment source, long offset, long length) {
            return new String(source.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
        }
        @Override public Class<String> type() { return String.class; }
        @Override public String toString() { return id(); }
    };

    private static final Codec<byte[]> BYTES = new Codec<>() {
        @Override public String id() { return "bytes"; }
        @Override public int fixedSize() { return VARIABLE_SIZE; }
        @Override public long encodedSize(byte[] value) { return value.length; }
        @Override public void encode(byte[] value, MemorySegment target, long offset) {
            MemorySegment.copy(value, 0, target, ValueLayout.JAVA_BYTE, offset, value.length);
        }
        @Override public byte[] decode(MemorySegment source, long offset, long length) {
            return source.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
        }
        @Override public Class<byte[]> type() { return byte[].class; }
        @Override public String toString() { return id(); }
    };

    private Codecs() {
    }

    /**
     * Raw bytes under another codec's identity, for tools that open a store file without knowing its
     * Java types ({@code hmapstore inspect} and {@code verify}): keys and values read back as the
     * bytes they were stored as.
     *
     * @param id the identity recorded in the file
     * @param fixedSize the size recorded in the file, or {@link Codec#VARIABLE_SIZE}
     * @return a codec of {@code byte[]}
     */
    public static Codec<byte[]> raw(String id, int fixedSize) {
        java.util.Objects.requireNonNull(id, "id");
        if (fixedSize <= 0 && fixedSize != Codec.VARIABLE_SIZE) {
            throw new IllegalArgumentException("fixedSize must be positive or VARIABLE_SIZE, was " + fixedSize);
        }
        return new Codec<>() {
            @Override public String id() { return id; }
            @Override public int fixedSize() { return fixedSize; }
            @Override public long encodedSize(byte[] value) { return value.length; }
            @Override public void encode(byte[] value, MemorySegment target, long offset) {
                MemorySegment.copy(value, 0, target, ValueLayout.JAVA_BYTE, offset, value.length);
            }
            @Override public byte[] decode(MemorySegment source, long offset, long length) {
                return source.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
            }
            @Override public Class<byte[]> type() { return byte[].class; }
            @Override public String toString() { return "raw(" + id + ")"; }
        };
    }

    /** @return 8-byte little-endian longs, stored inline */
    public static Codec<Long> longs() { return LONGS; }

    /** @return 4-byte little-endian ints, stored inline */
    public static Codec<Integer> ints() { return INTS; }

    /** @return UTF-8 strings of any length, stored in the entry heap */
    public static Codec<String> utf8() { return UTF8; }

    /**
     * Byte arrays of any length, stored in the entry heap. As keys they compare by content, as a
     * {@code Map} of {@code byte[]} cannot: {@code get(new byte[]{1})} finds the key {@code {1}}.
     *
     * @return the codec
     */
    public static Codec<byte[]> bytes() { return BYTES; }

    /**
     * Byte arrays of exactly {@code size} bytes, stored inline in the bucket slots: a lookup reads
     * the value beside its key instead of following a reference into the entry heap (one cache miss
     * fewer). Storing an array of another length is refused with an {@link IllegalArgumentException}
     * naming both lengths. Its identity, recorded in a store file, is {@code bytes[size]}.
     *
     * @param size the length of every array, at least 1
     * @return the codec
     */
    public static Codec<byte[]> bytes(int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("a fixed-size byte[] codec needs a size of at least 1, was " + size);
        }
        return raw("bytes[" + size + "]", size);
    }
}

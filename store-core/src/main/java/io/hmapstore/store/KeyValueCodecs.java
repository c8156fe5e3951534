package io.hmapstore.store;

import io.hmapstore.Codec;
import io.hmapstore.Codecs;
import io.hmapstore.heap.EntryHeap;
import io.hmapstore.table.EntryLayout;
import io.hmapstore.table.HashTable;
import io.hmapstore.table.TableWrites;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.BufferOverflowException;
import java.util.Arrays;
import java.util.Objects;

/**
 * A {@link TableStore}'s two codecs, and what the store does with them: a boxed key encoded and hashed
 * once per operation ({@link Key}), a boxed value encoded straight into the memory the table gives it
 * ({@link Value}), keys and values decoded from the heap, and the checks of caller-encoded segments
 * ({@code get}/{@code put}/{@code remove} on {@link MemorySegment}s). Keys and values of
 * {@link Codecs#longs()}, and any 8-byte key, travel as bits and are never copied to an array.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class KeyValueCodecs<K, V> {
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    final Codec<K> keys;
    final Codec<V> values;
    final boolean longKeys;
    final boolean longValues;
    /** The codecs' fixed sizes, or {@link Codec#VARIABLE_SIZE}: read once, as the table's layout was made from them. */
    final int keySize;
    final int valueSize;
    private final HashTable table;
    private final EntryHeap heap;

    KeyValueCodecs(Codec<K> keys, Codec<V> values, HashTable table, EntryHeap heap) {
        this.keys = keys;
        this.values = values;
        this.longKeys = keys == Codecs.longs();
        this.longValues = values == Codecs.longs();
        this.keySize = keys.fixedSize();
        this.valueSize = values.fixedSize();
        this.table = table;
        this.heap = heap;
    }

    /** A boxed key, encoded once per operation. */
    static final class Key {
        final MemorySegment bytes;
        final long length;
        final long bits;
        final long hash;
        final int seg;
        private final HashTable table;

        Key(KeyValueCodecs<?, ?> codecs, Object key) {
            Objects.requireNonNull(key, "key");
            this.table = codecs.table;
            if (codecs.longKeys) {
                bytes = null;
                length = Long.BYTES;
                bits = (Long) key;
                hash = table.hashOfLong(bits);
            } else {
                long size = encodedSize(codecs.keys, key);
                checkSize("key", codecs.keys, size);
                MemorySegment encoded = MemorySegment.ofArray(new byte[Math.toIntExact(size)]);
                encode(codecs.keys, key, encoded);
                length = size;
                hash = table.hashOf(encoded, 0, size);
                if (codecs.keySize == Long.BYTES) {
                    bits = encoded.get(LONG, 0);
                    bytes = null;
                } else {
                    bits = 0;
                    bytes = encoded;
                }
            }
            seg = table.segmentOf(hash);
        }

        @SuppressWarnings("unchecked")
        private static <T> long encodedSize(Codec<T> codec, Object key) {
            return codec.encodedSize((T) key);
        }

        @SuppressWarnings("unchecked")
        private static <T> void encode(Codec<T> codec, Object key, MemorySegment target) {
            codec.encode((T) key, target, 0);
        }

        long find() {
            return table.find(seg, hash, bytes, 0, length, bits);
        }
    }

    Key key(Object key) {
        return new Key(this, key);
    }

    /**
     * A boxed value. Longs travel as bits; any other codec encodes straight into the slot or entry
     * the table gives it ({@link TableWrites.ValueWriter}), so no intermediate array is made.
     */
    static final class Value<V> implements TableWrites.ValueWriter {
        final V value;
        final long length;
        final long bits;
        private final Codec<V> values;
        private final boolean longValues;

        Value(KeyValueCodecs<?, V> codecs, V value) {
            this.value = Objects.requireNonNull(value, "value");
            this.values = codecs.values;
            this.longValues = codecs.longValues;
            if (longValues) {
                length = Long.BYTES;
                bits = (Long) value;
            } else {
                length = values.encodedSize(value);
                checkSize("value", values, length);
                bits = 0;
            }
        }

        @Override
        public void write(MemorySegment target) {
            try {
                values.encode(value, target, 0);
            } catch (IndexOutOfBoundsException | BufferOverflowException e) {
                // The target is exactly encodedSize bytes: the codec wrote more than it declared.
                throw new IllegalArgumentException("value codec " + values.id() + " wrote past the " + length
                        + " bytes it declared for " + value.getClass().getName() + "; nothing was stored", e);
            }
        }

        TableWrites.ValueWriter writer() {
            return longValues ? null : this;
        }
    }

    Value<V> value(V value) {
        return new Value<>(this, value);
    }

    private static void checkSize(String what, Codec<?> codec, long size) {
        if (codec.fixedSize() > 0 && size != codec.fixedSize()) {
            throw new IllegalArgumentException(what + " codec " + codec.id() + " declares " + codec.fixedSize()
                    + " bytes but encoded " + size);
        }
        if (size < 0 || size > EntryLayout.MAX_PART) {
            throw new IllegalArgumentException(what + " of " + size + " bytes: the limit is " + EntryLayout.MAX_PART);
        }
    }

    /** Checks a caller-encoded key against its codec's size and the entry limit. */
    void checkEncodedKey(MemorySegment key) {
        checkEncoded("key", keys, keySize, key);
    }

    /** Checks a caller-encoded value against its codec's size and the entry limit. */
    void checkEncodedValue(MemorySegment value) {
        checkEncoded("value", values, valueSize, value);
    }

    private static void checkEncoded(String what, Codec<?> codec, int fixedSize, MemorySegment bytes) {
        Objects.requireNonNull(bytes, what);
        if (fixedSize > 0 && bytes.byteSize() != fixedSize) {
            throw new IllegalArgumentException(what + " has " + bytes.byteSize() + " bytes; codec " + codec.id()
                    + " stores exactly " + fixedSize);
        }
        if (bytes.byteSize() > EntryLayout.MAX_PART) {
            throw new IllegalArgumentException(what + " of " + bytes.byteSize() + " bytes: the limit is "
                    + EntryLayout.MAX_PART);
        }
    }

    /**
     * The bits of a caller-encoded 8-byte key, 0 for any other: read once per operation, since each read of
     * the caller's segment is a checked access.
     */
    long bitsOfEncodedKey(MemorySegment key) {
        return keySize == Long.BYTES ? key.get(LONG, 0) : 0;
    }

    /** The hash of a caller-encoded key whose bits {@link #bitsOfEncodedKey} read: what {@link Key} gives it boxed. */
    long hashOfEncodedKey(MemorySegment key, long bits) {
        return keySize == Long.BYTES ? table.hashOfLong(bits) : table.hashOf(key, 0, key.byteSize());
    }

    V decodeValue(int seg, long slot) {
        long offset = table.slots.valueOffset(seg, slot);
        MemorySegment m = heap.mem();
        if (longValues) {
            @SuppressWarnings("unchecked")
            V v = (V) Long.valueOf(m.get(LONG, offset));
            return v;
        }
        return values.decode(m, offset, table.slots.valueLength(seg, slot));
    }

    K decodeKey(int seg, long slot) {
        return keys.decode(heap.mem(), table.slots.keyOffset(seg, slot), table.slots.keyLength(seg, slot));
    }

    static boolean valueEquals(Object a, Object b) {
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return Arrays.equals(x, y);
        }
        return Objects.equals(a, b);
    }
}

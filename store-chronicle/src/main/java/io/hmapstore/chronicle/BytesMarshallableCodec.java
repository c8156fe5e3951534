package io.hmapstore.chronicle;

import io.hmapstore.Codec;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Supplier;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.BytesMarshallable;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.PointerBytesStore;

/**
 * A {@link Codec} for Chronicle Bytes {@link BytesMarshallable} values: {@code readMarshallable} and
 * {@code writeMarshallable} run over a Chronicle {@link Bytes} that wraps the store's own memory, so a value
 * is read from its slot and written into it with no intermediate {@code byte[]}.
 *
 * <pre>{@code
 * final class Quote implements BytesMarshallable {
 *     long id; double bid, ask;
 *     public void readMarshallable(BytesIn<?> in) { id = in.readLong(); bid = in.readDouble(); ask = in.readDouble(); }
 *     public void writeMarshallable(BytesOut<?> out) { out.writeLong(id).writeDouble(bid).writeDouble(ask); }
 * }
 *
 * OffHeapMap<Long, Quote> quotes = OffHeapMap.of(Codecs.longs(),
 *         BytesMarshallableCodec.fixedSize(Quote.class, Quote::new, 24)).maxEntries(1_000_000).open();
 * }</pre>
 *
 * <p>Two forms:
 * <ul>
 *   <li>{@link #fixedSize(Class, Supplier, int)}: every value marshals to the same number of bytes, so the
 *       store keeps it inline in the bucket slot and nothing is measured: encoding runs
 *       {@code writeMarshallable} once, straight into the slot. Writing more or fewer bytes is an error.</li>
 *   <li>{@link #of(Class, Supplier)}: variable size, kept in the store's entry heap. The store must know the
 *       size before it allocates, so {@link #encodedSize} runs {@code writeMarshallable} into a reusable
 *       per-thread buffer to measure it; {@link #encode} then marshals again, into the slot. Marshalling
 *       twice is the price of not copying: a copy would need the buffer this codec exists to avoid.</li>
 * </ul>
 *
 * <p>{@code readMarshallable} must copy what it needs out of the {@link Bytes} it is given and keep no
 * reference to it: the {@code Bytes} is reused for the next value, and the slot's memory it points at may be
 * rewritten or released once the store's read is over. In {@code Concurrency.CONCURRENT} stores a lock-free
 * read may run {@code readMarshallable} over bytes that a writer is changing; the store discards that
 * result (and any exception it threw) and reads again, so {@code readMarshallable} must have no effect
 * beyond filling its object.
 *
 * <p>The JVM running this codec needs Chronicle's flags on JDK 25 ({@code --add-opens} /
 * {@code --add-exports}, listed in this module's {@code pom.xml}), and {@code -Dchronicle.analytics.disable=true}
 * keeps Chronicle from reporting usage.
 *
 * <h2>Implementation notes</h2>
 * Each thread has one {@link PointerBytesStore} and one {@link Bytes} view over it per codec; a read or a
 * write points the store at {@code segment.address() + offset} for {@code length} bytes and resets the view,
 * so a decode allocates only the value object the factory returns. Chronicle bounds every access by that
 * length, so a {@code writeMarshallable} that writes more than it measured fails before it can touch the
 * next slot. Segments on the Java heap (the store encodes a boxed {@code put} into a heap buffer of its own
 * today) have no stable address: they are marshalled through the per-thread buffer and copied, which
 * allocates nothing per call once the buffer has grown to the largest value.
 *
 * @param <T> the value type
 */
public final class BytesMarshallableCodec<T extends BytesMarshallable> implements Codec<T> {

    /** Store files keep codec ids of at most this many UTF-8 bytes. */
    private static final int MAX_ID_BYTES = 64;

    private final Class<T> type;
    private final Supplier<? extends T> factory;
    private final int fixedSize;
    private final String id;
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    private BytesMarshallableCodec(Class<T> type, Supplier<? extends T> factory, int fixedSize) {
        this.type = Objects.requireNonNull(type, "type");
        this.factory = Objects.requireNonNull(factory, "factory");
        this.fixedSize = fixedSize;
        this.id = idOf(type, fixedSize);
    }

    /**
     * The class name stands for its marshalled format, so a file reopened with another class is refused.
     * Long names (nested classes in deep packages) are cut and made unique again by the full name's hash,
     * which {@link String#hashCode()} specifies, so the id is the same in every JVM.
     */
    private static String idOf(Class<?> type, int fixedSize) {
        String full = "chronicle/" + type.getName() + (fixedSize > 0 ? "/" + fixedSize : "");
        if (full.getBytes(StandardCharsets.UTF_8).length <= MAX_ID_BYTES) {
            return full;
        }
        String hash = String.format("~%08x", full.hashCode());
        String head = "chronicle/" + type.getSimpleName();
        int keep = Math.min(head.length(), MAX_ID_BYTES - hash.length());
        while (head.substring(0, keep).getBytes(StandardCharsets.UTF_8).length
                > MAX_ID_BYTES - hash.length()) {
            keep--;
        }
        return head.substring(0, keep) + hash;
    }

    /**
     * A variable-size codec: values live in the store's entry heap.
     *
     * @param type the value class
     * @param factory makes the empty instance that {@code readMarshallable} fills
     * @param <T> the value type
     * @return the codec
     */
    public static <T extends BytesMarshallable> BytesMarshallableCodec<T> of(Class<T> type,
            Supplier<? extends T> factory) {
        return new BytesMarshallableCodec<>(type, factory, VARIABLE_SIZE);
    }

    /**
     * A fixed-size codec: every value marshals to exactly {@code size} bytes and is kept inline in its
     * bucket slot.
     *
     * @param type the value class
     * @param factory makes the empty instance that {@code readMarshallable} fills
     * @param size the bytes {@code writeMarshallable} writes for every value, at least 1
     * @param <T> the value type
     * @return the codec
     */
    public static <T extends BytesMarshallable> BytesMarshallableCodec<T> fixedSize(Class<T> type,
            Supplier<? extends T> factory, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("size must be at least 1, was " + size);
        }
        return new BytesMarshallableCodec<>(type, factory, size);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public int fixedSize() {
        return fixedSize;
    }

    @Override
    public long encodedSize(T value) {
        if (fixedSize > 0) {
            return fixedSize;
        }
        return scratch.get().measure(value);
    }

    @Override
    public void encode(T value, MemorySegment target, long offset) {
        Scratch s = scratch.get();
        long size = fixedSize > 0 ? fixedSize : s.measuredSize(value);
        if (target.isNative()) {
            Bytes<Void> out = s.over(target, offset, size);
            value.writeMarshallable(out);
            checkWritten(value, size, out.writePosition());
        } else {
            s.copyMeasured(value, size, target, offset);
        }
        s.measured = null;   // the pairing encodedSize -> encode is over; keep no value alive
    }

    @Override
    public T decode(MemorySegment source, long offset, long length) {
        Scratch s = scratch.get();
        T value = factory.get();
        if (source.isNative()) {
            Bytes<Void> in = s.over(source, offset, length);
            in.readPositionRemaining(0, length);
            value.readMarshallable(in);
        } else {
            value.readMarshallable(s.fill(source, offset, length));
        }
        return value;
    }

    @Override
    public Class<T> type() {
        return type;
    }

    @Override
    public String toString() {
        return "BytesMarshallableCodec[" + id() + "]";
    }

    private void checkWritten(T value, long expected, long written) {
        if (written != expected) {
            throw new IllegalArgumentException(type.getSimpleName() + ".writeMarshallable wrote " + written
                    + " bytes but " + (fixedSize > 0 ? "the codec's fixed size is " : "measured ") + expected
                    + (fixedSize > 0 ? "" : " (was the value changed while it was stored?)") + ": " + value);
        }
    }

    /** One thread's reusable Chronicle objects for this codec. */
    private final class Scratch {
        /** Points at the slot being read or written; re-aimed on every call. */
        private final PointerBytesStore pointer = BytesStore.nativePointer();
        private Bytes<Void> view;
        /** On-heap and elastic: measures sizes, and carries values to and from heap segments. */
        private final Bytes<byte[]> buffer = Bytes.allocateElasticOnHeap(256);
        /** The value whose marshalled form {@link #buffer} holds, compared by identity; null if none. */
        private Object measured;

        Bytes<Void> over(MemorySegment segment, long offset, long length) {
            Objects.checkFromIndexSize(offset, length, segment.byteSize());
            pointer.set(segment.address() + offset, length);
            if (view == null) {
                view = pointer.bytesForWrite();
            }
            view.clear();   // positions and write limit back to the new extent
            return view;
        }

        long measure(T value) {
            buffer.clear();
            value.writeMarshallable(buffer);
            measured = value;
            return buffer.writePosition();
        }

        /** The size {@link #measure} found for {@code value} just before, or a fresh measurement. */
        long measuredSize(T value) {
            return measured == value ? buffer.writePosition() : measure(value);
        }

        void copyMeasured(T value, long size, MemorySegment target, long offset) {
            if (measured != value) {
                measure(value);
            }
            checkWritten(value, size, buffer.writePosition());
            MemorySegment.copy(buffer.underlyingObject(), 0, target, ValueLayout.JAVA_BYTE, offset,
                    Math.toIntExact(size));
        }

        Bytes<byte[]> fill(MemorySegment source, long offset, long length) {
            measured = null;
            int n = Math.toIntExact(length);
            buffer.clear();
            buffer.ensureCapacity(n);
            MemorySegment.copy(source, ValueLayout.JAVA_BYTE, offset, buffer.underlyingObject(), 0, n);
            buffer.readPositionRemaining(0, n);
            return buffer;
        }
    }
}

package io.hmapstore.table;

import io.hmapstore.Codec;
import io.hmapstore.Codecs;
import io.hmapstore.Concurrency;
import io.hmapstore.ConcurrentWriteException;
import io.hmapstore.Guard;
import io.hmapstore.OffHeapMap;
import io.hmapstore.RejectedWriteException;
import io.hmapstore.StaleViewException;
import io.hmapstore.StoreStats;
import io.hmapstore.ValueView;
import io.hmapstore.VerifyReport;
import io.hmapstore.memory.MappedRegion;
import io.hmapstore.memory.ReleasePolicy;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@link OffHeapMap} implementation: codecs, guards and threading over a {@link HashTable}.
 *
 * <p>Implementation notes. Every operation encodes its key, hashes it, and enters the key's segment
 * for reading or writing. In {@link Concurrency#SINGLE_WRITER} mode entering is the segment stamp
 * (Go's {@code hashWriting} flag, made a CAS so an overlapping writer is always caught); in
 * {@link Concurrency#CONCURRENT} mode writers take the segment's lock (so every compound operation is
 * atomic) and make the stamp odd while they write; readers take no lock: they read the stamp, read,
 * and validate the stamp (a seqlock, as {@link java.util.concurrent.locks.StampedLock}'s optimistic
 * reads), retrying a bounded number of times before falling back to the lock. A reader may see a
 * half-made state before it validates; everything it follows is bounds-checked by the segment and
 * offset-checked by the table, and memory it might see is not reused until it has left
 * ({@link ReaderEpochs}, {@link Reclaimer}), so what it reads is either live or retired-but-intact,
 * never another entry's bytes.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class TableStore<K, V> extends AbstractMap<K, V> implements OffHeapMap<K, V> {
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final int MAX_SEGMENT_BITS = 10;
    /** Optimistic attempts before a reader falls back to the segment lock. */
    private static final int OPTIMISTIC_TRIES = 8;

    private final StoreConfig<K, V> config;
    private final Codec<K> keys;
    private final Codec<V> values;
    private final boolean longKeys;
    private final boolean longValues;
    private final MappedRegion region;
    private final EntryHeap heap;
    private final HashTable table;
    private final ReentrantLock[] locks;
    private final boolean writerCheck;
    private final boolean staleCheck;
    private final io.hmapstore.WriteGuard<? super K, ? super V> writeGuard;
    private final ReaderEpochs epochs;
    private volatile boolean closed;
    private EntrySet entrySet;
    /** Test hook: called by a lock-free {@code get} where it is about to decode a value. */
    private ReadHook readHook;

    /**
     * Creates an anonymous store.
     *
     * @param config what the builder collected
     */
    public TableStore(StoreConfig<K, V> config) {
        this.config = config;
        this.keys = config.keys();
        this.values = config.values();
        if (keys.fixedSize() == 0 || values.fixedSize() == 0 || keys.fixedSize() < Codec.VARIABLE_SIZE
                || values.fixedSize() < Codec.VARIABLE_SIZE) {
            throw new IllegalArgumentException("codec fixed sizes must be positive or VARIABLE_SIZE: keys "
                    + keys.id() + " = " + keys.fixedSize() + ", values " + values.id() + " = " + values.fixedSize());
        }
        ReleasePolicy policy = config.releasePolicy();
        if (!policy.appliesTo(false)) {
            throw new IllegalArgumentException("release policy " + policy
                    + " does not apply to an anonymous store; use it with persistTo(path), or choose DONTNEED");
        }
        this.longKeys = keys == Codecs.longs();
        this.longValues = values == Codecs.longs();
        this.writerCheck = config.guarded(Guard.CONCURRENT_WRITE_CHECK);
        this.staleCheck = config.guarded(Guard.STALE_VIEW_CHECK);
        this.writeGuard = config.writeGuard();

        int segmentBits = segmentBits(config);
        int segments = 1 << segmentBits;
        long perSegment = (config.expectedEntries() + segments - 1) / segments;
        int initialLog2 = 0;
        while (perSegment * 2 > 13L * (1L << initialLog2)) {
            initialLog2++;
        }
        long pageSize = MappedRegion.pageSize();
        long headers = pageSize;
        long heapStart = (headers + segments * SegmentHeader.SIZE + pageSize - 1) / pageSize * pageSize;
        this.region = MappedRegion.anonymous(heapStart + EntryHeap.SLAB_BYTES, config.reserveBytes());
        try {
            this.heap = new EntryHeap(region, heapStart, policy, config.guarded(Guard.ZERO_ON_REUSE),
                    config.guarded(Guard.OFFSET_CHECK), config.verifyReuse());
            if (config.hugePages()) {
                heap.adviseHugePages();
            }
            writeHeader(region.segment(), segmentBits, config.seed());
            this.table = new HashTable(region, heap, headers, segmentBits, config.seed(), keys.fixedSize(),
                    values.fixedSize(), initialLog2, config.guarded(Guard.OFFSET_CHECK),
                    config.guarded(Guard.MAKE_BEFORE_WRITE));
        } catch (RuntimeException | Error e) {
            region.close();
            throw e;
        }
        if (config.concurrency() == Concurrency.CONCURRENT) {
            locks = new ReentrantLock[segments];
            for (int i = 0; i < segments; i++) {
                locks[i] = new ReentrantLock();
            }
        } else {
            locks = null;
        }
        if (locks != null && config.guarded(Guard.EPOCH_RECLAMATION)) {
            epochs = new ReaderEpochs();
            heap.deferFrees(new Reclaimer(epochs, heap));
        } else {
            epochs = null;
        }
    }

    private static int segmentBits(StoreConfig<?, ?> config) {
        long wanted = config.concurrency() == Concurrency.CONCURRENT
                ? 4L * Runtime.getRuntime().availableProcessors()
                : 1;
        // Keep a segment's bucket array within about a million entries, so no one array is huge.
        wanted = Math.max(wanted, config.expectedEntries() >> 20);
        int bits = 0;
        while ((1L << bits) < wanted && bits < MAX_SEGMENT_BITS) {
            bits++;
        }
        return bits;
    }

    private void writeHeader(MemorySegment m, int segmentBits, long seed) {
        m.set(ValueLayout.JAVA_LONG, StoreHeader.MAGIC, StoreHeader.MAGIC_VALUE);
        m.set(ValueLayout.JAVA_INT, StoreHeader.VERSION, StoreHeader.FORMAT_VERSION);
        m.set(ValueLayout.JAVA_INT, StoreHeader.PAGE_SIZE, (int) MappedRegion.pageSize());
        m.set(ValueLayout.JAVA_INT, StoreHeader.SEGMENT_BITS, segmentBits);
        m.set(ValueLayout.JAVA_INT, StoreHeader.KEY_SIZE, keys.fixedSize());
        m.set(ValueLayout.JAVA_INT, StoreHeader.VALUE_SIZE, values.fixedSize());
        m.set(ValueLayout.JAVA_LONG, StoreHeader.SEED, seed);
    }

    // ------------------------------------------------------------------ entering segments

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("store is closed");
        }
    }

    private long enterWrite(int seg) {
        checkOpen();
        if (locks != null) {
            locks[seg].lock();
            table.beginLockedWrite(seg);
            return 0;
        }
        return writerCheck ? table.beginWrite(seg) : 0;
    }

    private void exitWrite(int seg, long stamp) {
        if (locks != null) {
            table.endLockedWrite(seg);
            locks[seg].unlock();
        } else if (writerCheck) {
            table.endWrite(seg, stamp);
        }
    }

    private long enterRead(int seg) {
        checkOpen();
        if (locks != null) {
            locks[seg].lock();
            return 0;
        }
        if (!writerCheck) {
            return 0;
        }
        long stamp = table.readStamp(seg);
        if ((stamp & 1) != 0) {
            throw racingRead(seg);
        }
        return stamp;
    }

    private void exitRead(int seg, long stamp) {
        if (locks != null) {
            locks[seg].unlock();
        } else if (writerCheck && !closed && table.readStamp(seg) != stamp) {
            throw racingRead(seg);
        }
    }

    /** A read of one segment, run optimistically (possibly more than once) or under the lock. */
    @FunctionalInterface
    private interface Read<T> {
        T run();
    }

    /** Where a lock-free read is about to decode a value (tests pause readers here). */
    @FunctionalInterface
    interface ReadHook {
        void atValue(MemorySegment memory, long offset, long length);
    }

    void readHook(ReadHook hook) {
        this.readHook = hook;
    }

    /**
     * Runs {@code body} as a read of segment {@code seg}: under the stamp checks in SINGLE_WRITER
     * mode; lock-free and validated in CONCURRENT mode. The body must have no effect but its result,
     * since it may run several times.
     */
    private <T> T read(int seg, Read<T> body) {
        if (locks == null) {
            long stamp = enterRead(seg);
            try {
                return body.run();
            } finally {
                exitRead(seg, stamp);
            }
        }
        checkOpen();
        int token = epochs != null ? epochs.enter() : -1;
        try {
            for (int attempt = 0; attempt < OPTIMISTIC_TRIES; attempt++) {
                long stamp = table.readStamp(seg);
                if ((stamp & 1) != 0) {
                    Thread.onSpinWait();
                    continue;
                }
                T result;
                try {
                    result = body.run();
                } catch (RuntimeException e) {
                    // A torn view can look corrupt or out of bounds; only a stable one may throw.
                    if (table.validate(seg, stamp)) {
                        throw e;
                    }
                    continue;
                }
                if (table.validate(seg, stamp)) {
                    return result;
                }
            }
        } finally {
            if (token >= 0) {
                epochs.exit(token);
            }
        }
        locks[seg].lock();
        try {
            checkOpen();
            return body.run();
        } finally {
            locks[seg].unlock();
        }
    }

    private static ConcurrentWriteException racingRead(int seg) {
        return new ConcurrentWriteException("concurrent map read and map write: segment " + seg
                + " was written while it was read (Concurrency.SINGLE_WRITER allows no reader beside a writer)");
    }

    // ------------------------------------------------------------------ encoding

    /** A boxed key, encoded once per operation. */
    private final class Key {
        final MemorySegment bytes;
        final long length;
        final long bits;
        final long hash;
        final int seg;

        Key(Object key) {
            Objects.requireNonNull(key, "key");
            if (longKeys) {
                bytes = null;
                length = Long.BYTES;
                bits = (Long) key;
                hash = table.hashOfLong(bits);
            } else {
                @SuppressWarnings("unchecked")
                K k = (K) key;
                long size = keys.encodedSize(k);
                checkSize("key", keys, size);
                MemorySegment encoded = MemorySegment.ofArray(new byte[Math.toIntExact(size)]);
                keys.encode(k, encoded, 0);
                length = size;
                hash = table.hashOf(encoded, 0, size);
                if (keys.fixedSize() == Long.BYTES) {
                    bits = encoded.get(LONG, 0);
                    bytes = null;
                } else {
                    bits = 0;
                    bytes = encoded;
                }
            }
            seg = table.segmentOf(hash);
        }

        long find() {
            return table.find(seg, hash, bytes, 0, length, bits);
        }
    }

    /** A boxed value, encoded once per write. */
    private final class Value {
        final MemorySegment bytes;
        final long length;
        final long bits;

        Value(V value) {
            Objects.requireNonNull(value, "value");
            if (longValues) {
                bytes = null;
                length = Long.BYTES;
                bits = (Long) value;
            } else {
                long size = values.encodedSize(value);
                checkSize("value", values, size);
                MemorySegment encoded = MemorySegment.ofArray(new byte[Math.toIntExact(size)]);
                values.encode(value, encoded, 0);
                length = size;
                if (values.fixedSize() == Long.BYTES) {
                    bits = encoded.get(LONG, 0);
                    bytes = null;
                } else {
                    bits = 0;
                    bytes = encoded;
                }
            }
        }
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

    private boolean isKeyType(Object key) {
        return keys.type().isInstance(Objects.requireNonNull(key, "key"));
    }

    private V decodeValue(int seg, long slot) {
        long offset = table.valueOffset(seg, slot);
        MemorySegment m = heap.mem();
        if (longValues) {
            @SuppressWarnings("unchecked")
            V v = (V) Long.valueOf(m.get(LONG, offset));
            return v;
        }
        return values.decode(m, offset, table.valueLength(seg, slot));
    }

    private K decodeKey(int seg, long slot) {
        return keys.decode(heap.mem(), table.keyOffset(seg, slot), table.keyLength(seg, slot));
    }

    private void put(Key k, Value v) {
        table.put(k.seg, k.hash, k.bytes, 0, k.length, k.bits, v.bytes, 0, v.length, v.bits);
    }

    private void guard(K key, V value) {
        if (writeGuard != null) {
            String reason = writeGuard.check(key, value);
            if (reason != null) {
                throw new RejectedWriteException(String.valueOf(key), reason);
            }
        }
    }

    private static boolean valueEquals(Object a, Object b) {
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return Arrays.equals(x, y);
        }
        return Objects.equals(a, b);
    }

    // ------------------------------------------------------------------ Map

    @Override
    public V get(Object key) {
        if (!isKeyType(key)) {
            return null;
        }
        Key k = new Key(key);
        return read(k.seg, () -> {
            long slot = k.find();
            if (slot < 0) {
                return null;
            }
            ReadHook hook = readHook;
            if (hook != null) {
                hook.atValue(heap.mem(), table.valueOffset(k.seg, slot), table.valueLength(k.seg, slot));
            }
            return decodeValue(k.seg, slot);
        });
    }

    @Override
    public boolean containsKey(Object key) {
        if (!isKeyType(key)) {
            return false;
        }
        Key k = new Key(key);
        return read(k.seg, () -> k.find() >= 0);
    }

    @Override
    public V put(K key, V value) {
        Key k = new Key(key);
        Value v = new Value(value);
        guard(key, value);
        long stamp = enterWrite(k.seg);
        try {
            long slot = k.find();
            V old = slot < 0 ? null : decodeValue(k.seg, slot);
            put(k, v);
            return old;
        } finally {
            exitWrite(k.seg, stamp);
        }
    }

    @Override
    public V putIfAbsent(K key, V value) {
        Key k = new Key(key);
        Value v = new Value(value);
        long stamp = enterWrite(k.seg);
        try {
            long slot = k.find();
            if (slot >= 0) {
                return decodeValue(k.seg, slot);
            }
            guard(key, value);
            put(k, v);
            return null;
        } finally {
            exitWrite(k.seg, stamp);
        }
    }

    @Override
    public V remove(Object key) {
        if (!isKeyType(key)) {
            return null;
        }
        Key k = new Key(key);
        long stamp = enterWrite(k.seg);
        try {
            long slot = k.find();
            if (slot < 0) {
                return null;
            }
            V old = decodeValue(k.seg, slot);
            @SuppressWarnings("unchecked")
            K typed = (K) key;
            guard(typed, null);
            table.remove(k.seg, k.hash, k.bytes, 0, k.length, k.bits);
            return old;
        } finally {
            exitWrite(k.seg, stamp);
        }
    }

    @Override
    public boolean remove(Object key, Object value) {
        Objects.requireNonNull(value, "value");
        if (!isKeyType(key)) {
            return false;
        }
        Key k = new Key(key);
        long stamp = enterWrite(k.seg);
        try {
            long slot = k.find();
            if (slot < 0 || !valueEquals(decodeValue(k.seg, slot), value)) {
                return false;
            }
            @SuppressWarnings("unchecked")
            K typed = (K) key;
            guard(typed, null);
            return table.remove(k.seg, k.hash, k.bytes, 0, k.length, k.bits);
        } finally {
            exitWrite(k.seg, stamp);
        }
    }

    @Override
    public boolean replace(K key, V oldValue, V newValue) {
        Objects.requireNonNull(oldValue, "oldValue");
        Key k = new Key(key);
        Value v = new Value(newValue);
        long stamp = enterWrite(k.seg);
        try {
            long slot = k.find();
            if (slot < 0 || !valueEquals(decodeValue(k.seg, slot), oldValue)) {
                return false;
            }
            guard(key, newValue);
            put(k, v);
            return true;
        } finally {
            exitWrite(k.seg, stamp);
        }
    }

    @Override
    public V replace(K key, V value) {
        Key k = new Key(key);
        Value v = new Value(value);
        long stamp = enterWrite(k.seg);
        try {
            long slot = k.find();
            if (slot < 0) {
                return null;
            }
            V old = decodeValue(k.seg, slot);
            guard(key, value);
            put(k, v);
            return old;
        } finally {
            exitWrite(k.seg, stamp);
        }
    }

    @Override
    public int size() {
        long n = longSize();
        return n > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) n;
    }

    private long longSize() {
        checkOpen();
        long n = 0;
        for (int s = 0; s < table.segments; s++) {
            n += table.count(s);
        }
        return n;
    }

    @Override
    public boolean isEmpty() {
        return longSize() == 0;
    }

    @Override
    public void clear() {
        checkOpen();
        long[] stamps = new long[table.segments];
        int entered = 0;
        try {
            for (; entered < table.segments; entered++) {
                stamps[entered] = enterWrite(entered);
            }
            if (epochs != null) {
                // clear() gives back every block at once: wait out each lock-free reader that might
                // still be inside the old tables (new ones see odd stamps and wait for the locks).
                epochs.synchronize();
            }
            table.clear();
        } finally {
            for (int s = entered - 1; s >= 0; s--) {
                exitWrite(s, stamps[s]);
            }
        }
    }

    @Override
    public Set<Entry<K, V>> entrySet() {
        checkOpen();
        EntrySet es = entrySet;
        if (es == null) {
            es = new EntrySet();
            entrySet = es;
        }
        return es;
    }

    private final class EntrySet extends AbstractSet<Entry<K, V>> {
        @Override
        public Iterator<Entry<K, V>> iterator() {
            return new EntryIterator();
        }

        @Override
        public int size() {
            return TableStore.this.size();
        }

        @Override
        public boolean contains(Object o) {
            if (!(o instanceof Entry<?, ?> e) || e.getKey() == null || e.getValue() == null) {
                return false;
            }
            Object v = get(e.getKey());
            return v != null && valueEquals(v, e.getValue());
        }

        @Override
        public boolean remove(Object o) {
            return o instanceof Entry<?, ?> e && e.getKey() != null && e.getValue() != null
                    && TableStore.this.remove(e.getKey(), e.getValue());
        }

        @Override
        public void clear() {
            TableStore.this.clear();
        }
    }

    /** An entry handed out by iteration: a copy, so it never points into store memory. */
    private final class CopiedEntry extends SimpleEntry<K, V> {
        private static final long serialVersionUID = 1L;

        CopiedEntry(K key, V value) {
            super(key, value);
        }

        @Override
        public V setValue(V value) {
            TableStore.this.put(getKey(), value);
            return super.setValue(value);
        }
    }

    /**
     * Walks each segment in bit-reversed hash order (see {@link HashTable#collect}); each step copies
     * one bucket's entries out under the segment, so nothing it holds can go stale.
     */
    private final class EntryIterator implements Iterator<Entry<K, V>> {
        private final ArrayDeque<Entry<K, V>> buffer = new ArrayDeque<>();
        private int seg;
        private long cursor;
        private Entry<K, V> last;

        @Override
        public boolean hasNext() {
            checkOpen();
            while (buffer.isEmpty() && seg < table.segments) {
                step();
            }
            return !buffer.isEmpty();
        }

        private void step() {
            int s = seg;
            long from = cursor;
            List<Entry<K, V>> step = new ArrayList<>();
            long next = read(s, () -> {
                step.clear();
                return table.collect(s, from, slot -> step.add(new CopiedEntry(decodeKey(s, slot),
                        decodeValue(s, slot))));
            });
            buffer.addAll(step);
            if (next == HashTable.DONE) {
                seg++;
                cursor = 0;
            } else {
                cursor = next;
            }
        }

        @Override
        public Entry<K, V> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            last = buffer.poll();
            return last;
        }

        @Override
        public void remove() {
            if (last == null) {
                throw new IllegalStateException("next() has not been called, or remove() was already called");
            }
            TableStore.this.remove(last.getKey());
            last = null;
        }
    }

    // ------------------------------------------------------------------ zero-allocation paths

    private void requireLongs() {
        if (!longKeys || !longValues) {
            throw new UnsupportedOperationException("getLong/putLong need Codecs.longs() for keys and values; this store has "
                    + keys.id() + " → " + values.id());
        }
    }

    @Override
    public long getLong(long key, long absent) {
        requireLongs();
        long hash = table.hashOfLong(key);
        return readPrimitive(table.segmentOf(hash), hash, null, key, null, absent);
    }

    /**
     * The two primitive reads: a long value, or a value copied into a caller's segment. One method
     * for both so {@link #readPrimitive} can run either without allocating a lambda.
     */
    private long primitiveRead(int seg, long hash, MemorySegment key, long keyBits, MemorySegment out, long absent) {
        long keyLength = key == null ? Long.BYTES : key.byteSize();
        long slot = table.find(seg, hash, key, 0, keyLength, keyBits);
        if (out == null) {
            return slot < 0 ? absent : heap.mem().get(LONG, table.valueOffset(seg, slot));
        }
        if (slot < 0) {
            return 0;
        }
        long length = table.valueLength(seg, slot);
        if (length > out.byteSize()) {
            throw new IndexOutOfBoundsException("valueOut holds " + out.byteSize() + " bytes; the value is " + length
                    + " bytes");
        }
        MemorySegment.copy(heap.mem(), table.valueOffset(seg, slot), out, 0, length);
        return 1;
    }

    /** {@link #read} written out for {@link #primitiveRead}, so the zero-allocation paths stay so. */
    private long readPrimitive(int seg, long hash, MemorySegment key, long keyBits, MemorySegment out, long absent) {
        if (locks == null) {
            long stamp = enterRead(seg);
            try {
                return primitiveRead(seg, hash, key, keyBits, out, absent);
            } finally {
                exitRead(seg, stamp);
            }
        }
        checkOpen();
        int token = epochs != null ? epochs.enter() : -1;
        try {
            for (int attempt = 0; attempt < OPTIMISTIC_TRIES; attempt++) {
                long stamp = table.readStamp(seg);
                if ((stamp & 1) != 0) {
                    Thread.onSpinWait();
                    continue;
                }
                long result;
                try {
                    result = primitiveRead(seg, hash, key, keyBits, out, absent);
                } catch (RuntimeException e) {
                    if (table.validate(seg, stamp)) {
                        throw e;
                    }
                    continue;
                }
                if (table.validate(seg, stamp)) {
                    return result;
                }
            }
        } finally {
            if (token >= 0) {
                epochs.exit(token);
            }
        }
        lockWithoutQueueing(locks[seg]);
        try {
            checkOpen();
            return primitiveRead(seg, hash, key, keyBits, out, absent);
        } finally {
            locks[seg].unlock();
        }
    }

    /**
     * Takes a segment lock by {@code tryLock} alone. {@link ReentrantLock#lock()} on a held lock
     * enqueues a node it allocates (32 bytes), which broke the zero-allocation paths exactly when
     * they fall back to the lock: under write contention. The writers' sections are short, so
     * spinning (yielding now and then, for a writer descheduled while holding the lock) costs little.
     */
    private static void lockWithoutQueueing(ReentrantLock lock) {
        for (int spins = 1; !lock.tryLock(); spins++) {
            if ((spins & 63) == 0) {
                Thread.yield();
            } else {
                Thread.onSpinWait();
            }
        }
    }

    @Override
    public void putLong(long key, long value) {
        requireLongs();
        if (writeGuard != null) {
            @SuppressWarnings("unchecked")
            K k = (K) Long.valueOf(key);
            @SuppressWarnings("unchecked")
            V v = (V) Long.valueOf(value);
            guard(k, v);
        }
        long hash = table.hashOfLong(key);
        int seg = table.segmentOf(hash);
        long stamp = enterWrite(seg);
        try {
            table.put(seg, hash, null, 0, Long.BYTES, key, null, 0, Long.BYTES, value);
        } finally {
            exitWrite(seg, stamp);
        }
    }

    private void checkEncoded(String what, Codec<?> codec, MemorySegment bytes) {
        Objects.requireNonNull(bytes, what);
        if (codec.fixedSize() > 0 && bytes.byteSize() != codec.fixedSize()) {
            throw new IllegalArgumentException(what + " has " + bytes.byteSize() + " bytes; codec " + codec.id()
                    + " stores exactly " + codec.fixedSize());
        }
        if (bytes.byteSize() > EntryLayout.MAX_PART) {
            throw new IllegalArgumentException(what + " of " + bytes.byteSize() + " bytes: the limit is "
                    + EntryLayout.MAX_PART);
        }
    }

    private long hashOfEncodedKey(MemorySegment key) {
        return keys.fixedSize() == Long.BYTES ? table.hashOfLong(key.get(LONG, 0))
                : table.hashOf(key, 0, key.byteSize());
    }

    @Override
    public boolean get(MemorySegment key, MemorySegment valueOut) {
        checkEncoded("key", keys, key);
        Objects.requireNonNull(valueOut, "valueOut");
        long hash = hashOfEncodedKey(key);
        int seg = table.segmentOf(hash);
        boolean bits = keys.fixedSize() == Long.BYTES;
        return readPrimitive(seg, hash, bits ? null : key, bits ? key.get(LONG, 0) : 0, valueOut, 0) != 0;
    }

    @Override
    public void put(MemorySegment key, MemorySegment value) {
        checkEncoded("key", keys, key);
        checkEncoded("value", values, value);
        if (writeGuard != null) {
            guard(keys.decode(key, 0, key.byteSize()), values.decode(value, 0, value.byteSize()));
        }
        long hash = hashOfEncodedKey(key);
        int seg = table.segmentOf(hash);
        boolean keyBits = keys.fixedSize() == Long.BYTES;
        boolean valueBits = values.fixedSize() == Long.BYTES;
        long stamp = enterWrite(seg);
        try {
            table.put(seg, hash, keyBits ? null : key, 0, key.byteSize(), keyBits ? key.get(LONG, 0) : 0,
                    valueBits ? null : value, 0, value.byteSize(), valueBits ? value.get(LONG, 0) : 0);
        } finally {
            exitWrite(seg, stamp);
        }
    }

    @Override
    public boolean remove(MemorySegment key) {
        checkEncoded("key", keys, key);
        if (writeGuard != null) {
            guard(keys.decode(key, 0, key.byteSize()), null);
        }
        long hash = hashOfEncodedKey(key);
        int seg = table.segmentOf(hash);
        boolean bits = keys.fixedSize() == Long.BYTES;
        long stamp = enterWrite(seg);
        try {
            return table.remove(seg, hash, bits ? null : key, 0, key.byteSize(), bits ? key.get(LONG, 0) : 0);
        } finally {
            exitWrite(seg, stamp);
        }
    }

    // ------------------------------------------------------------------ views

    @Override
    public ValueView view(K key) {
        Key k = new Key(key);
        long stamp = enterRead(k.seg);
        try {
            long slot = k.find();
            if (slot < 0) {
                return null;
            }
            long entry = table.entryOf(k.seg, slot);
            long held = entry != 0 && !table.valueInline ? heap.generation(entry) : table.generation(k.seg);
            return new SlotView(k.seg, table.valueOffset(k.seg, slot), table.valueLength(k.seg, slot),
                    table.valueInline ? 0 : entry, held);
        } finally {
            exitRead(k.seg, stamp);
        }
    }

    /**
     * A value read in place. It holds a generation stamp: the entry's block generation for values in
     * the entry heap, the segment's generation for inline values.
     */
    private final class SlotView implements ValueView {
        private final int seg;
        private final long offset;
        private final long length;
        private final long entry;
        private final long stamp;

        SlotView(int seg, long offset, long length, long entry, long stamp) {
            this.seg = seg;
            this.offset = offset;
            this.length = length;
            this.entry = entry;
            this.stamp = stamp;
        }

        private long current() {
            return entry != 0 ? heap.generation(entry) : table.generation(seg);
        }

        private void check() {
            if (!staleCheck) {
                return;
            }
            long now = current();
            if (now != stamp) {
                StoreEvents.StaleAccess event = new StoreEvents.StaleAccess();
                if (event.shouldCommit()) {
                    event.segment = seg;
                    event.offset = offset;
                    event.held = stamp;
                    event.found = now;
                    event.commit();
                }
                throw new StaleViewException("stale value view: segment " + seg + ", value at offset 0x"
                        + Long.toHexString(offset) + " (" + (entry != 0 ? "entry 0x" + Long.toHexString(entry)
                                : "inline slot") + "): stamp " + stamp + " held, " + now
                        + " found — the entry was removed, replaced or moved since the view was taken");
            }
        }

        @Override
        public long byteSize() {
            long s = enterRead(seg);
            try {
                check();
                return length;
            } finally {
                exitRead(seg, s);
            }
        }

        @Override
        public byte[] toArray() {
            long s = enterRead(seg);
            try {
                check();
                return heap.mem().asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
            } finally {
                exitRead(seg, s);
            }
        }

        @Override
        public long copyTo(MemorySegment target) {
            long s = enterRead(seg);
            try {
                check();
                MemorySegment.copy(heap.mem(), offset, target, 0, length);
                return length;
            } finally {
                exitRead(seg, s);
            }
        }

        @Override
        public boolean isValid() {
            long s = enterRead(seg);
            try {
                return current() == stamp;
            } finally {
                exitRead(seg, s);
            }
        }
    }

    // ------------------------------------------------------------------ observability and lifecycle

    @Override
    public StoreStats stats() {
        checkOpen();
        int[] log2 = new int[table.segments];
        long buckets = 0;
        long overflow = 0;
        long entries = 0;
        for (int s = 0; s < table.segments; s++) {
            long stamp = enterRead(s);
            try {
                log2[s] = table.log2Buckets(s);
                if (table.isMade(s)) {
                    buckets += 1L << log2[s];
                }
                overflow += table.overflowBuckets(s);
                entries += table.count(s);
            } finally {
                exitRead(s, stamp);
            }
        }
        return new StoreStats(entries, table.segments, log2, buckets, overflow,
                buckets == 0 ? 0 : (double) entries / buckets, table.growths(), table.sameSizeGrowths(),
                table.shrinks(), table.evacuations(), region.size(), heap.bytesInUse(),
                region.residentBytes(0, region.size()), heap.retiredBytes(), heap.releasedBytes(),
                heap.bytesBySizeClass(), heap.reusedNonZeroBytes(), heap.releaseNanos());
    }

    @Override
    public VerifyReport verify() {
        checkOpen();
        List<VerifyReport.Problem> problems = new ArrayList<>();
        long entries = 0;
        long buckets = 0;
        MemorySegment m = heap.mem();
        if (m.get(ValueLayout.JAVA_LONG, StoreHeader.MAGIC) != StoreHeader.MAGIC_VALUE) {
            problems.add(new VerifyReport.Problem(-1, -1, StoreHeader.MAGIC, "magic 0x"
                    + Long.toHexString(StoreHeader.MAGIC_VALUE), "0x" + Long.toHexString(m.get(ValueLayout.JAVA_LONG,
                            StoreHeader.MAGIC))));
        }
        for (int s = 0; s < table.segments; s++) {
            long stamp = enterRead(s);
            try {
                long[] r = table.verify(s, problems);
                entries += r[0];
                buckets += r[1];
            } finally {
                exitRead(s, stamp);
            }
        }
        return new VerifyReport(entries, buckets, problems);
    }

    @Override
    public void sync() {
        checkOpen();
        region.sync();
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (locks != null) {
            for (ReentrantLock lock : locks) {
                lock.lock();
            }
        }
        try {
            if (!closed) {
                closed = true;
                if (epochs != null) {
                    epochs.synchronize();
                }
                region.close();
            }
        } finally {
            if (locks != null) {
                for (ReentrantLock lock : locks) {
                    lock.unlock();
                }
            }
        }
    }

    /**
     * The region the store lives in, for tools that measure or force the kernel's behaviour on it
     * (the harness forces MADV_FREE's lazy reclaim with MADV_PAGEOUT). Writing to it corrupts the store.
     *
     * @return the region
     */
    public MappedRegion region() {
        checkOpen();
        return region;
    }

    /** @return the configuration this store was opened with */
    public StoreConfig<K, V> config() {
        return config;
    }

    /** Test hook: the region offsets the table is laid out at. Not part of the public API. */
    HashTable table() {
        return table;
    }

    /** Test hook: the store's memory. Not part of the public API. */
    MemorySegment memory() {
        return heap.mem();
    }

    @Override
    public String toString() {
        return closed ? "OffHeapMap[closed]" : super.toString();
    }

    /** @return the release policy the store gives memory back with */
    public ReleasePolicy releasePolicy() {
        return config.releasePolicy();
    }
}

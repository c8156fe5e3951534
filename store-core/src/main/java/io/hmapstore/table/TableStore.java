package io.hmapstore.table;

import io.hmapstore.Codec;
import io.hmapstore.Codecs;
import io.hmapstore.Concurrency;
import io.hmapstore.ConcurrentWriteException;
import io.hmapstore.Guard;
import io.hmapstore.MemoryBudget;
import io.hmapstore.OffHeapMap;
import io.hmapstore.RejectedWriteException;
import io.hmapstore.StaleViewException;
import io.hmapstore.StoreFullException;
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

/**
 * The {@link OffHeapMap} implementation: codecs, guards and threading over a {@link HashTable}.
 *
 * <p>Implementation notes. Every operation encodes its key, hashes it, and enters the key's segment
 * for reading or writing. In {@link Concurrency#SINGLE_WRITER} mode entering is the segment stamp
 * (Go's {@code hashWriting} flag, made a CAS so an overlapping writer is always caught); in
 * {@link Concurrency#CONCURRENT} mode writers wait for the same stamp to be even and take it as the
 * segment's lock ({@link SegmentLocks}), so every compound operation is atomic and the stamp is odd
 * while they write; readers take no lock: they read the stamp, read,
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
    static final int MAX_SEGMENT_BITS = 10;
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
    private final SegmentLocks locks;
    /** Serialises {@link #close()}, whose locks stay held: the memory they live in is gone after it. */
    private final Object closing = new Object();
    private final boolean writerCheck;
    private final boolean staleCheck;
    private final io.hmapstore.WriteGuard<? super K, ? super V> writeGuard;
    private final ReaderEpochs epochs;
    private final StoreFile file;

    // Cache features: null/0/false for a store without bounds or expiry.
    private final S3Fifo eviction;
    private final java.util.concurrent.atomic.AtomicLong live;
    private final long maxEntries;
    private final long maxBytes;
    /** How a {@code maxBytes} bound is spent ({@link MemoryPlan}); {@link MemoryBudget#NONE} without one. */
    private final MemoryBudget budget;
    /** The most entries kept: {@code maxEntries}, or what a byte bound's table holds at its largest; 0 for none. */
    private final long entryLimit;
    /** Entry and overflow bytes past which writes evict: three quarters of the budget's entry share. */
    private final long evictAbove;
    private final boolean expiring;
    private final long ttlMillis;
    private final java.util.function.LongSupplier clock;
    private final boolean recording;
    private final java.util.concurrent.atomic.LongAdder hits = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder misses = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder evictions = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder expirations = new java.util.concurrent.atomic.LongAdder();
    /** Entries written, counted by each segment's writer (a LongAdder cost an atomic operation per put). */
    private final SegmentCounters puts;
    private final long[] sweepHands;
    private final java.util.function.LongConsumer expiredBySweep = hash -> expiredOne();
    private final boolean recovered;
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
        if (!policy.appliesTo(config.file() != null)) {
            throw new IllegalArgumentException("release policy " + policy + " does not apply to "
                    + (config.file() == null ? "an anonymous store; use it with persistTo(path), or choose DONTNEED"
                            : "a file-backed store; choose PUNCH_HOLE (the default for files) or DONTNEED"));
        }
        this.longKeys = keys == Codecs.longs();
        this.longValues = values == Codecs.longs();
        this.writerCheck = config.guarded(Guard.CONCURRENT_WRITE_CHECK);
        this.staleCheck = config.guarded(Guard.STALE_VIEW_CHECK);
        this.writeGuard = config.writeGuard();

        this.maxEntries = config.maxEntries();
        this.maxBytes = config.maxBytes();
        this.expiring = config.expiring();
        this.ttlMillis = expiring ? config.expireAfterWrite().toMillis() : 0;
        this.clock = config.clock();
        this.recording = config.evicting() || expiring;
        int segmentBits = segmentBits(config);
        // A bounded store is sized for its bound up front, so it never grows (nor shrinks) past it.
        long expected = Math.max(config.expectedEntries(), maxEntries);
        MemoryBudget planned = MemoryBudget.NONE;
        if (maxBytes > 0) {
            // Fewer segments when the bound cannot hold this many empty ones; then the table's size.
            for (; (planned = plan(segmentBits, StoreFile.Geometry.of(segmentBits, 0).heapStart(), expected)) == null
                    && segmentBits > 0; segmentBits--) {
            }
            if (planned == null) {
                throw belowMinimum(segmentBits, StoreFile.Geometry.of(segmentBits, 0).heapStart());
            }
            expected = planned.expectedEntriesPlanned();
        }
        int segments = 1 << segmentBits;
        long perSegment = (expected + segments - 1) / segments;
        int initialLog2 = 0;
        while (perSegment * 2 > 13L * (1L << initialLog2)) {
            initialLog2++;
        }
        if (maxBytes > 0) {
            initialLog2 = Math.min(initialLog2, planned.maxBucketsLog2());
        }
        StoreFile.Geometry geometry = StoreFile.Geometry.of(segmentBits, initialLog2);
        StoreFile.Parts parts = config.file() == null ? StoreFile.anonymous(config, geometry)
                : StoreFile.open(config, geometry);
        this.region = parts.region();
        this.heap = parts.heap();
        this.table = parts.table();
        this.file = parts.file();
        this.recovered = parts.recovered();
        if (maxBytes > 0) {
            // A reopened file brings its own segment count: plan again for the table it has.
            MemoryBudget actual = plan(table.segmentBits, heap.heapStart(), planned.expectedEntriesAsked());
            if (actual == null) {
                RuntimeException e = belowMinimum(table.segmentBits, heap.heapStart());
                closeParts(parts);
                throw e;
            }
            planned = actual;
            table.planWithin(planned.maxBucketsLog2(), planned.maxEntryBytes());
            heap.reserveUrgentBytes(planned.reserveBytes());
        }
        this.budget = planned;
        // The table stops growing at the plan's size. Entries that live in the slots cost the heap
        // nothing that evicting them gives back (only overflow buckets, which stay linked), so their
        // number is held to what the table holds there; entries in the heap are bounded by their bytes.
        boolean inline = keys.fixedSize() > 0 && values.fixedSize() > 0;
        long held = maxBytes > 0 && inline ? MemoryPlan.capacity(table.segments, planned.maxBucketsLog2()) : 0;
        this.entryLimit = maxEntries > 0 && held > 0 ? Math.min(maxEntries, held) : Math.max(maxEntries, held);
        this.evictAbove = planned.entryBytes() / MemoryPlan.EVICT_AT_DEN * MemoryPlan.EVICT_AT_NUM;
        if (config.hugePages()) {
            heap.adviseHugePages();
        }
        segments = table.segments;
        locks = config.concurrency() == Concurrency.CONCURRENT ? new SegmentLocks(table, () -> closed) : null;
        if (locks != null && config.guarded(Guard.EPOCH_RECLAMATION)) {
            epochs = new ReaderEpochs();
            heap.deferFrees(new Reclaimer(epochs, heap));
        } else {
            epochs = null;
        }
        this.sweepHands = new long[segments];
        this.puts = new SegmentCounters(segments);
        if (config.evicting()) {
            eviction = new S3Fifo(entryLimit > 0 ? entryLimit : maxBytes / 64);
            live = new java.util.concurrent.atomic.AtomicLong(longSizeOfTable());
            requeueExisting();
        } else {
            eviction = null;
            live = null;
        }
    }

    /** @return the plan of this store's byte bound with {@code 2^segmentBits} segments, or null if it cannot hold them */
    private MemoryBudget plan(int segmentBits, long heapStart, long expected) {
        BucketLayout layout = BucketLayout.forSizes(keys.fixedSize(), values.fixedSize(), config.evicting(),
                config.expiring());
        return MemoryPlan.plan(maxBytes, heapStart, 1 << segmentBits, layout.size,
                keys.fixedSize() > 0 && values.fixedSize() > 0, expected);
    }

    /** Closes what a constructor that fails after opening had opened: the file cleanly, or the region. */
    private static void closeParts(StoreFile.Parts parts) {
        if (parts.file() != null) {
            parts.file().closeClean();
        } else {
            parts.region().close();
        }
    }

    private IllegalArgumentException belowMinimum(int segmentBits, long heapStart) {
        BucketLayout layout = BucketLayout.forSizes(keys.fixedSize(), values.fixedSize(), config.evicting(),
                config.expiring());
        long minimum = MemoryPlan.minimum(heapStart, 1 << segmentBits, layout.size,
                keys.fixedSize() > 0 && values.fixedSize() > 0);
        return new IllegalArgumentException("maxBytes " + maxBytes + " cannot hold an empty store of "
                + (1 << segmentBits) + " segment(s): the minimum is " + minimum + " bytes (headers " + heapStart
                + ", a reserve of " + MemoryPlan.reserve(minimum) + " for finishing a growth, the smallest bucket"
                + " arrays and room for a slab of entries per segment)");
    }

    private long longSizeOfTable() {
        long n = 0;
        for (int s = 0; s < table.segments; s++) {
            n += table.count(s);
        }
        return n;
    }

    /** A reopened bounded store queues what it holds, in no particular order (the order is not kept). */
    private void requeueExisting() {
        synchronized (eviction) {
            for (int s = 0; s < table.segments; s++) {
                int seg = s;
                for (long cursor = 0; cursor != HashTable.DONE; ) {
                    cursor = table.collect(seg, cursor, slot -> eviction.inserted(table.hashOf(seg, slot)));
                }
            }
            evictWhileOver();
        }
    }

    private static int segmentBits(StoreConfig<?, ?> config) {
        long wanted = config.concurrency() == Concurrency.CONCURRENT
                ? 4L * Runtime.getRuntime().availableProcessors()
                : 1;
        // Keep a segment's bucket array within about a million entries, so no one array is huge.
        wanted = Math.max(wanted, Math.max(config.expectedEntries(), config.maxEntries()) >> 20);
        int bits = 0;
        while ((1L << bits) < wanted && bits < MAX_SEGMENT_BITS) {
            bits++;
        }
        return bits;
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
            return locks.lock(seg);
        }
        return writerCheck ? table.beginWrite(seg) : 0;
    }

    private void exitWrite(int seg, long stamp) {
        if (locks != null) {
            locks.unlock(seg, stamp);
        } else if (writerCheck) {
            table.endWrite(seg, stamp);
        }
    }

    private long enterRead(int seg) {
        checkOpen();
        if (locks != null) {
            return locks.lock(seg);
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
            locks.unlock(seg, stamp);
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
        long held = locks.lock(seg);
        try {
            checkOpen();
            return body.run();
        } finally {
            locks.unlock(seg, held);
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

    /**
     * A boxed value. Longs travel as bits; any other codec encodes straight into the slot or entry
     * the table gives it ({@link HashTable.ValueWriter}), so no intermediate array is made.
     */
    private final class Value implements HashTable.ValueWriter {
        final V value;
        final long length;
        final long bits;

        Value(V value) {
            this.value = Objects.requireNonNull(value, "value");
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
            } catch (IndexOutOfBoundsException | java.nio.BufferOverflowException e) {
                // The target is exactly encodedSize bytes: the codec wrote more than it declared.
                throw new IllegalArgumentException("value codec " + values.id() + " wrote past the " + length
                        + " bytes it declared for " + value.getClass().getName() + "; nothing was stored", e);
            }
        }

        HashTable.ValueWriter writer() {
            return longValues ? null : this;
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

    /** Null and closed checks come first, so a foreign key type gets the same errors as any key. */
    private boolean isKeyType(Object key) {
        Objects.requireNonNull(key, "key");
        checkOpen();
        return keys.type().isInstance(key);
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

    /** @return whether the key was new */
    private boolean put(Key k, Value v, long deadline) {
        return !table.put(k.seg, k.hash, k.bytes, 0, k.length, k.bits, null, 0, v.length, v.bits, v.writer(),
                deadline);
    }

    // ------------------------------------------------------------------ writes, with cache bookkeeping

    /** What a write did, for the bookkeeping that runs after it has left its segment. */
    private static final int INSERTED = 1;
    private static final int REMOVED = 2;

    /** The body of one boxed write, run with the key's segment held and the key's live slot found. */
    @FunctionalInterface
    private interface Write<T> {
        T run(long slot, int[] effect);
    }

    /**
     * Runs a boxed write: enters the key's segment, drops the key's entry first if it has expired,
     * runs {@code body}, sweeps a little for expired entries, leaves, then queues a new key for
     * eviction and evicts while over the bounds. A write that finds the store full (a {@code maxBytes}
     * store whose region cannot grow) evicts and runs again.
     */
    private <T> T write(Key k, Write<T> body) {
        for (int attempt = 0; ; attempt++) {
            int[] effect = {0};
            T result = null;
            StoreFullException full = null;
            long stamp = enterWrite(k.seg);
            try {
                result = body.run(liveSlot(k.seg, k.hash, k.find()), effect);
                sweep(k.seg);
            } catch (StoreFullException e) {
                full = e;
            } finally {
                exitWrite(k.seg, stamp);
            }
            if (full != null) {
                makeRoom(full, attempt);
                continue;
            }
            afterWrite(k.hash, effect[0]);
            return result;
        }
    }

    /** In a write section: the key's slot, or -1 if absent or expired (an expired entry is removed). */
    private long liveSlot(int seg, long hash, long slot) {
        if (slot >= 0 && expiring && table.expired(slot, clock.getAsLong())) {
            table.removeByHash(seg, hash);
            expiredOne();
            return -1;
        }
        return slot;
    }

    private void expiredOne() {
        expirations.increment();
        if (live != null) {
            live.decrementAndGet();
        }
    }

    /** Removes the expired entries of a couple of buckets: expiry's memory comes back a little per write. */
    private void sweep(int seg) {
        if (expiring) {
            long next = table.sweepExpired(seg, sweepHands[seg], 2, clock.getAsLong(), expiredBySweep);
            sweepHands[seg] = next == HashTable.SWEEP_INTERRUPTED ? 0 : next;
        }
    }

    private long deadline() {
        return expiring ? clock.getAsLong() + ttlMillis : 0;
    }

    private void afterWrite(long hash, int effect) {
        if ((effect & INSERTED) != 0) {
            if (live != null) {
                live.incrementAndGet();
            }
            if (eviction != null) {
                synchronized (eviction) {
                    eviction.inserted(hash);
                    evictWhileOver();
                }
            }
        }
        if ((effect & REMOVED) != 0 && live != null) {
            live.decrementAndGet();
        }
    }

    private boolean overBounds() {
        return (entryLimit > 0 && live.get() > entryLimit)
                || overBytes();
    }

    private boolean overBytes() {
        return maxBytes > 0 && heap.entryBytesInUse() > evictAbove;
    }

    /** S3-FIFO's eviction loop ({@link S3Fifo}); runs with its monitor held, one segment at a time. */
    private void evictWhileOver() {
        long limit = 4 * eviction.queued() + 16;
        for (long n = 0; n < limit && overBounds(); n++) {
            if (!evictOrRequeueOne()) {
                return;
            }
            if (maxBytes > 0 && overBytes()) {
                // Evicted blocks stay counted until no reader can see them: free them before judging.
                heap.reclaimRetired();
            }
        }
    }

    /** @return false when the queues are empty */
    private boolean evictOrRequeueOne() {
        boolean fromSmall = eviction.fromSmall();
        long hash = eviction.next(fromSmall);
        if (hash == 0) {
            return false;
        }
        int seg = table.segmentOf(hash);
        long stamp = enterWrite(seg);
        try {
            long slot = table.findByHash(seg, hash);
            if (slot < 0) {
                return true;
            }
            if (expiring && table.expired(slot, clock.getAsLong())) {
                table.removeByHash(seg, hash);
                expiredOne();
                return true;
            }
            int frequency = table.frequency(slot);
            if (frequency > 0) {
                table.frequency(slot, fromSmall ? 0 : frequency - 1);
                if (fromSmall) {
                    eviction.promote(hash);
                } else {
                    eviction.reinsert(hash);
                }
                return true;
            }
            table.removeByHash(seg, hash);
            if (fromSmall) {
                eviction.remember(hash);
            }
            evictions.increment();
            live.decrementAndGet();
            return true;
        } finally {
            exitWrite(seg, stamp);
        }
    }

    /**
     * A write found the store full: evict a batch, twice as large on every attempt, free what readers no
     * longer see and gather the free space ({@link EntryHeap#defragment}). The plan guarantees that
     * once nothing is left to evict the write fits; a write still refused then (a reader that never
     * leaves its epoch, say) gets the exception.
     */
    private void makeRoom(StoreFullException full, int attempt) {
        if (eviction == null || attempt >= MAKE_ROOM_ATTEMPTS || (attempt > 1 && live.get() == 0)) {
            throw full;
        }
        synchronized (eviction) {
            for (long n = 0, batch = 256L << Math.min(attempt, 16); n < batch; n++) {
                if (!evictOrRequeueOne()) {
                    break;
                }
            }
        }
        heap.reclaimRetired();
        if (maxBytes > 0) {
            heap.defragment();
        }
    }

    private static final int MAKE_ROOM_ATTEMPTS = 40;

    private void countLookup(boolean hit) {
        if (recording) {
            if (hit) {
                hits.increment();
            } else {
                misses.increment();
            }
        }
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
            long slot = lookup(k.seg, k.hash, k.bytes, k.length, k.bits);
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
        return read(k.seg, () -> {
            long slot = k.find();
            return slot >= 0 && !(expiring && table.expired(slot, clock.getAsLong()));
        });
    }

    @Override
    public V put(K key, V value) {
        return put(key, value, deadline());
    }

    @Override
    public V put(K key, V value, java.time.Duration expireAfterWrite) {
        if (!expiring) {
            throw new UnsupportedOperationException("per-entry expiry needs a store opened with expireAfterWrite(...)"
                    + " (give a long default if entries should normally live forever)");
        }
        if (expireAfterWrite.isNegative() || expireAfterWrite.isZero()) {
            throw new IllegalArgumentException("expireAfterWrite must be positive, was " + expireAfterWrite);
        }
        return put(key, value, clock.getAsLong() + expireAfterWrite.toMillis());
    }

    private V put(K key, V value, long deadline) {
        Key k = new Key(key);
        Value v = new Value(value);
        guard(key, value);
        return write(k, (slot, effect) -> {
            V old = slot < 0 ? null : decodeValue(k.seg, slot);
            effect[0] |= put(k, v, deadline) ? INSERTED : 0;
            puts.increment(k.seg);
            return old;
        });
    }

    @Override
    public V putIfAbsent(K key, V value) {
        Key k = new Key(key);
        Value v = new Value(value);
        return write(k, (slot, effect) -> {
            if (slot >= 0) {
                return decodeValue(k.seg, slot);
            }
            guard(key, value);
            effect[0] |= put(k, v, deadline()) ? INSERTED : 0;
            puts.increment(k.seg);
            return null;
        });
    }

    @Override
    public V remove(Object key) {
        if (!isKeyType(key)) {
            return null;
        }
        Key k = new Key(key);
        @SuppressWarnings("unchecked")
        K typed = (K) key;
        return write(k, (slot, effect) -> {
            if (slot < 0) {
                return null;
            }
            V old = decodeValue(k.seg, slot);
            guard(typed, null);
            table.remove(k.seg, k.hash, k.bytes, 0, k.length, k.bits);
            effect[0] |= REMOVED;
            return old;
        });
    }

    @Override
    public boolean remove(Object key, Object value) {
        Objects.requireNonNull(value, "value");
        if (!isKeyType(key)) {
            return false;
        }
        Key k = new Key(key);
        @SuppressWarnings("unchecked")
        K typed = (K) key;
        return write(k, (slot, effect) -> {
            if (slot < 0 || !valueEquals(decodeValue(k.seg, slot), value)) {
                return false;
            }
            guard(typed, null);
            table.remove(k.seg, k.hash, k.bytes, 0, k.length, k.bits);
            effect[0] |= REMOVED;
            return true;
        });
    }

    @Override
    public boolean replace(K key, V oldValue, V newValue) {
        Objects.requireNonNull(oldValue, "oldValue");
        Key k = new Key(key);
        Value v = new Value(newValue);
        return write(k, (slot, effect) -> {
            if (slot < 0 || !valueEquals(decodeValue(k.seg, slot), oldValue)) {
                return false;
            }
            guard(key, newValue);
            put(k, v, deadline());
            puts.increment(k.seg);
            return true;
        });
    }

    @Override
    public V replace(K key, V value) {
        Key k = new Key(key);
        Value v = new Value(value);
        return write(k, (slot, effect) -> {
            if (slot < 0) {
                return null;
            }
            V old = decodeValue(k.seg, slot);
            guard(key, value);
            put(k, v, deadline());
            puts.increment(k.seg);
            return old;
        });
    }

    @Override
    public boolean containsValue(Object value) {
        Objects.requireNonNull(value, "value");
        checkOpen();
        for (V v : values()) {
            if (valueEquals(v, value)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The live entries: the ones iteration, {@code get} and {@code containsKey} see. In an expiring store
     * an entry whose time has run out is not counted whether or not a write or {@link #cleanUp()} has
     * removed it yet, which costs a pass over the table (a store without expiry reads its counters).
     */
    @Override
    public int size() {
        long n = expiring ? unexpiredSize() : longSize();
        return n > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) n;
    }

    /** Counts the entries whose time has not run out, one segment at a time, as a reader. */
    private long unexpiredSize() {
        checkOpen();
        long now = clock.getAsLong();
        long[] n = {0};
        HashTable.SlotSink counter = slot -> n[0] += table.expired(slot, now) ? 0 : 1;
        for (int s = 0; s < table.segments; s++) {
            long stamp = enterRead(s);
            try {
                for (long cursor = 0; cursor != HashTable.DONE; ) {
                    cursor = table.collect(s, cursor, counter);
                }
            } finally {
                exitRead(s, stamp);
            }
        }
        return n[0];
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
        return expiring ? unexpiredSize() == 0 : longSize() == 0;
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
            if (eviction != null) {
                synchronized (eviction) {
                    eviction.clear();
                    live.set(0);
                }
            }
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
                long now = expiring ? clock.getAsLong() : 0;
                return table.collect(s, from, slot -> {
                    if (!(expiring && table.expired(slot, now))) {
                        step.add(new CopiedEntry(decodeKey(s, slot), decodeValue(s, slot)));
                    }
                });
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
        return readLongKey(table.segmentOf(hash), hash, key, null, absent);
    }

    /**
     * The zero-allocation reads of an 8-byte key ({@code getLong}, and {@code get(MemorySegment,
     * MemorySegment)} on such keys): a short path the JIT inlines whole, for stores that neither expire
     * nor evict (so a read records nothing). It finds the key with {@link HashTable#findInlineLong} and
     * reads or copies the value; whatever that leaves (a growth under way, an overflow chain, a value
     * that fails its checks) goes to {@link #readPrimitive}. The short path has no exception handler: one
     * made the JIT compile it apart from its caller, and a read cost 40 ns more.
     *
     * @param out null for {@code getLong}, else where the value is copied
     * @return the value or {@code absent} for {@code getLong}; 1 or 0 for a copy
     */
    private long readLongKey(int seg, long hash, long key, MemorySegment out, long absent) {
        if (expiring || eviction != null) {
            return readPrimitive(seg, hash, null, key, out, absent);
        }
        return locks == null ? readLongKeyAlone(seg, hash, key, out, absent)
                : readLongKeyOptimistic(seg, hash, key, out, absent);
    }

    /** {@link #readLongKey} in a single-writer store, between {@link #enterRead}'s and {@link #exitRead}'s checks. */
    private long readLongKeyAlone(int seg, long hash, long key, MemorySegment out, long absent) {
        checkOpen();
        long stamp = writerCheck ? table.readStamp(seg) : 0;
        if ((stamp & 1) != 0) {
            throw racingRead(seg);
        }
        MemorySegment m = heap.mem();
        long slot = table.findInlineLong(m, seg, hash, key);
        long result = shortReadDone(m, slot, out) ? shortReadResult(m, slot, out, absent)
                : primitiveRead(seg, hash, null, key, out, absent);
        if (writerCheck && table.readStamp(seg) != stamp && !closed) {
            throw racingRead(seg);
        }
        return result;
    }

    /**
     * {@link #readLongKey} in a concurrent store: one seqlock attempt, as {@link #readPrimitive} makes,
     * but without entering an epoch. Epochs keep retired memory from reuse while a reader may hand its
     * bytes to a codec or hold a view of them. This read does neither: it follows only offsets it checks
     * against the mapping it took, never throws, and keeps what it read only if the stamp validates. A
     * bucket or entry retired and reused under it costs a retry, never a wrong answer (every release
     * policy leaves the region mapped; what a failed attempt copied into {@code out} is overwritten by
     * the retry). Skipping the epoch saves two atomic read-modify-writes, which on x86 are full fences:
     * they kept the CPU from overlapping one lookup's cache misses with the next one's.
     */
    private long readLongKeyOptimistic(int seg, long hash, long key, MemorySegment out, long absent) {
        checkOpen();
        long stamp = table.readStamp(seg);
        if ((stamp & 1) == 0) {
            // Read after the stamp: a mapping grown by a writer that finished before it is seen.
            MemorySegment m = heap.mem();
            long slot = table.findInlineLong(m, seg, hash, key);
            if (shortReadDone(m, slot, out)) {
                long result = shortReadResult(m, slot, out, absent);
                if (table.validate(seg, stamp)) {
                    return result;
                }
            }
        }
        return readPrimitive(seg, hash, null, key, out, absent);
    }

    /**
     * Whether the short read got as far as it may: {@link HashTable#findInlineLong} decided, and a value
     * to copy out was copied.
     */
    private boolean shortReadDone(MemorySegment m, long slot, MemorySegment out) {
        return slot != HashTable.SLOW && (out == null || slot < 0 || table.copyValue(m, slot, out) != HashTable.SLOW);
    }

    /** The short read's answer, as {@link #readPrimitive} gives it: the value or {@code absent}; 1 or 0 for a copy. */
    private long shortReadResult(MemorySegment m, long slot, MemorySegment out, long absent) {
        if (out != null) {
            return slot < 0 ? 0 : 1;
        }
        return slot < 0 ? absent : m.get(LONG, table.inlineValueAt(slot));
    }

    /**
     * The two primitive reads: a long value, or a value copied into a caller's segment. One method
     * for both so {@link #readPrimitive} can run either without allocating a lambda.
     */
    private long primitiveRead(int seg, long hash, MemorySegment key, long keyBits, MemorySegment out, long absent) {
        long keyLength = key == null ? Long.BYTES : key.byteSize();
        long slot = lookup(seg, hash, key, keyLength, keyBits);
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

    /**
     * A read's lookup: an expired entry counts as absent; a hit counts an access for eviction. The
     * counters may count a read twice when an optimistic read is retried: they are statistics.
     */
    private long lookup(int seg, long hash, MemorySegment key, long keyLength, long keyBits) {
        long slot = table.find(seg, hash, key, 0, keyLength, keyBits);
        if (slot >= 0 && expiring && table.expired(slot, clock.getAsLong())) {
            slot = -1;
        }
        if (slot >= 0 && eviction != null) {
            table.touch(slot);
        }
        countLookup(slot >= 0);
        return slot;
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
        long held = locks.lock(seg);
        try {
            checkOpen();
            return primitiveRead(seg, hash, key, keyBits, out, absent);
        } finally {
            locks.unlock(seg, held);
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
        primitiveWrite(table.segmentOf(hash), hash, null, Long.BYTES, key, null, Long.BYTES, value, false);
    }

    /**
     * The primitive writes ({@link #write} written out so they allocate nothing): a put, or with
     * {@code remove} a removal.
     *
     * @return for a removal, whether the key was there; for a put, true
     */
    private boolean primitiveWrite(int seg, long hash, MemorySegment key, long keyLength, long keyBits,
            MemorySegment value, long valueLength, long valueBits, boolean remove) {
        for (int attempt = 0; ; attempt++) {
            int effect = 0;
            boolean result = true;
            StoreFullException full = null;
            long stamp = enterWrite(seg);
            try {
                if (expiring) {
                    liveSlot(seg, hash, table.find(seg, hash, key, 0, keyLength, keyBits));
                }
                if (remove) {
                    result = table.remove(seg, hash, key, 0, keyLength, keyBits);
                    effect = result ? REMOVED : 0;
                } else {
                    effect = table.put(seg, hash, key, 0, keyLength, keyBits, value, 0, valueLength, valueBits,
                            deadline()) ? 0 : INSERTED;
                    puts.increment(seg);
                }
                sweep(seg);
            } catch (StoreFullException e) {
                full = e;
            } finally {
                exitWrite(seg, stamp);
            }
            if (full != null) {
                makeRoom(full, attempt);
                continue;
            }
            afterWrite(hash, effect);
            return result;
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
        if (keys.fixedSize() == Long.BYTES) {
            return readLongKey(seg, hash, key.get(LONG, 0), valueOut, 0) != 0;
        }
        return readPrimitive(seg, hash, key, 0, valueOut, 0) != 0;
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
        primitiveWrite(seg, hash, keyBits ? null : key, key.byteSize(), keyBits ? key.get(LONG, 0) : 0,
                valueBits ? null : value, value.byteSize(), valueBits ? value.get(LONG, 0) : 0, false);
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
        return primitiveWrite(seg, hash, bits ? null : key, key.byteSize(), bits ? key.get(LONG, 0) : 0, null, 0, 0,
                true);
    }

    // ------------------------------------------------------------------ views

    @Override
    public ValueView view(K key) {
        Key k = new Key(key);
        long stamp = enterRead(k.seg);
        try {
            long slot = k.find();
            if (slot < 0 || (expiring && table.expired(slot, clock.getAsLong()))) {
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
                if (StoreEvents.STALE_ACCESS.isEnabled()) {
                    StoreEvents.StaleAccess event = new StoreEvents.StaleAccess();
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
    public io.hmapstore.CacheStats cacheStats() {
        checkOpen();
        return new io.hmapstore.CacheStats(hits.sum(), misses.sum(), evictions.sum(), expirations.sum(), puts.sum(),
                longSize(), maxEntries, maxBytes, heap.bytesInUse(), region.size());
    }

    @Override
    public void cleanUp() {
        checkOpen();
        if (expiring) {
            for (int s = 0; s < table.segments; s++) {
                long stamp = enterWrite(s);
                try {
                    // A removal can start a shrink, which stops a sweep: sweep the new array again.
                    for (int pass = 0; pass < 64; pass++) {
                        table.finishGrowth(s);
                        if (table.sweepExpired(s, 0, 1 << table.log2Buckets(s), clock.getAsLong(),
                                expiredBySweep) != HashTable.SWEEP_INTERRUPTED) {
                            break;
                        }
                    }
                } finally {
                    exitWrite(s, stamp);
                }
            }
        }
        heap.reclaimNow();
    }

    /** @return slabs the entry heap gave back to the release policy since the store opened (for tests) */
    long slabsReleased() {
        return heap.slabsReleased();
    }

    /** @return sweeps of the entry heap's slabs since the store opened (for tests) */
    long slabSweeps() {
        return heap.sweeps();
    }

    @Override
    public StoreStats stats() {
        checkOpen();
        int[] log2 = new int[table.segments];
        long buckets = 0;
        long overflow = 0;
        long entries = 0;
        long[] chains = new long[HashTable.CHAIN_HISTOGRAM];
        long[] segmentEntries = new long[table.segments];
        long[] segmentOverflow = new long[table.segments];
        for (int s = 0; s < table.segments; s++) {
            long stamp = enterRead(s);
            try {
                try {
                    table.chainLengths(s, chains);
                } catch (io.hmapstore.CorruptedStoreException e) {
                    // stats() observes; verify() is where a damaged chain is reported.
                }
                log2[s] = table.log2Buckets(s);
                if (table.isMade(s)) {
                    buckets += 1L << log2[s];
                }
                segmentOverflow[s] = table.overflowBuckets(s);
                segmentEntries[s] = table.count(s);
                overflow += segmentOverflow[s];
                entries += segmentEntries[s];
            } finally {
                exitRead(s, stamp);
            }
        }
        return new StoreStats(entries, table.segments, log2, buckets, overflow,
                buckets == 0 ? 0 : (double) entries / buckets, table.growths(), table.sameSizeGrowths(),
                table.shrinks(), table.evacuations(), region.size(), heap.bytesInUse(),
                region.residentBytes(0, region.size()), heap.retiredBytes(), heap.releasedBytes(),
                heap.bytesBySizeClass(), heap.reusedNonZeroBytes(), heap.releaseNanos(), chains, segmentEntries,
                segmentOverflow, budget);
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
        synchronized (closing) {
            if (closed) {
                return;
            }
            // Wait out every write in flight, then keep the segments: a waiter that takes one after this
            // would touch unmapped memory, so waiters see closed and give up instead. (A file's stamps
            // are reset when it is next opened.)
            if (locks != null) {
                for (int s = 0; s < table.segments; s++) {
                    locks.lock(s);
                }
            }
            closed = true;
            if (epochs != null) {
                epochs.synchronize();
            }
            if (file != null) {
                file.closeClean();
            } else {
                region.close();
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

    /**
     * Reads a store file's superblock without opening the store; see {@link io.hmapstore.StoreFileInfo#read}.
     *
     * @param path the file
     * @return what its superblock says
     */
    public static io.hmapstore.StoreFileInfo describeFile(java.nio.file.Path path) {
        return StoreFile.describe(path);
    }

    /** @return whether opening found the file dirty (not closed cleanly) and recovered it */
    public boolean wasRecovered() {
        return recovered;
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
}

package io.hmapstore.store;

import io.hmapstore.CacheStats;
import io.hmapstore.Codec;
import io.hmapstore.Concurrency;
import io.hmapstore.Guard;
import io.hmapstore.MemoryBudget;
import io.hmapstore.OffHeapMap;
import io.hmapstore.RejectedWriteException;
import io.hmapstore.StoreStats;
import io.hmapstore.ValueView;
import io.hmapstore.VerifyReport;
import io.hmapstore.WriteGuard;
import io.hmapstore.heap.EntryHeap;
import io.hmapstore.memory.MappedRegion;
import io.hmapstore.store.KeyValueCodecs.Key;
import io.hmapstore.store.KeyValueCodecs.Value;
import io.hmapstore.table.HashTable;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.Objects;
import java.util.Set;

/**
 * The {@link OffHeapMap} implementation: codecs, guards and threading over a {@link HashTable}. It is a
 * façade over small structures, each its own class:
 *
 * <ul>
 *   <li>{@link StoreOpening}: the checks, the segment count, the plan of a {@code maxBytes} bound and
 *       the initial size the constructor opens the store's memory with;
 *   <li>{@link SegmentAccess}: entering and leaving a segment in each concurrency mode, and the one
 *       optimistic read gate (a seqlock retried before it takes the lock);
 *   <li>{@link KeyValueCodecs}: boxed keys and values encoded once per operation, decoding;
 *   <li>{@link CacheBounds}: bounds, S3-FIFO eviction, expiry and the cache counters;
 *   <li>{@link SegmentWrites}: the one write skeleton, in a form for lambdas and one written out;
 *   <li>{@link PrimitiveReads}: the zero-allocation reads, hand-written and monomorphic;
 *   <li>{@link StoreEntrySet}, {@link SlotView}, {@link StoreInspection}: iteration, views in place,
 *       {@code stats()} and {@code verify()}.
 * </ul>
 *
 * <p>Implementation notes. Every boxed operation encodes its key, hashes it, and enters the key's
 * segment for reading ({@link SegmentAccess#read}) or writing ({@link SegmentWrites#write}); each write
 * passes its step to one skeleton that enters, drops an expired entry, runs the step, sweeps, leaves, and
 * does the cache bookkeeping. The zero-allocation paths ({@code getLong}, {@code putLong}, {@code get}/
 * {@code put}/{@code remove} on segments) are written out here and in {@link PrimitiveReads} and
 * {@link SegmentWrites#primitiveWrite}, with no lambda.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class TableStore<K, V> extends AbstractMap<K, V> implements OffHeapMap<K, V> {
    static final int MAX_SEGMENT_BITS = 10;

    private final StoreConfig<K, V> config;
    private final KeyValueCodecs<K, V> codecs;
    private final Codec<K> keys;
    private final Codec<V> values;
    /** Keys and values both {@code Codecs.longs()}: one flag, so getLong and get test one field. */
    private final boolean longs;
    /**
     * {@code getLong}'s common case, a long store read without a lock ({@link PrimitiveReads#optimistic}),
     * decided by this one field. Testing the codecs, the mode and whether the store is open one after
     * the other was three loads and branches, through three objects, before the lookup started: a hit
     * took 1.11 times as long and a miss 1.24 (benchmarks/README.md, "What each guard costs").
     */
    private final boolean optimisticLongs;
    private final MappedRegion region;
    private final EntryHeap heap;
    private final HashTable table;
    private final StoreFile file;
    private final boolean recovered;
    /** How a {@code maxBytes} bound is spent ({@link MemoryPlan}); {@link MemoryBudget#NONE} without one. */
    private final MemoryBudget budget;
    /** Package-private for the tests of the segment locks' protocol with in-place updates. */
    final SegmentAccess access;
    private final CacheBounds bounds;
    private final PrimitiveReads reads;
    private final SegmentWrites writes;
    /** Serialises {@link #close()}, whose locks stay held: the memory they live in is gone after it. */
    private final Object closing = new Object();
    private final boolean staleCheck;
    private final WriteGuard<? super K, ? super V> writeGuard;
    private final boolean expiring;
    private StoreEntrySet<K, V> entrySet;
    /** Test hook: called by a lock-free {@code get} where it is about to decode a value. */
    private ReadHook readHook;

    /**
     * Creates an anonymous store.
     *
     * @param config what the builder collected
     */
    public TableStore(StoreConfig<K, V> config) {
        this.config = config;
        StoreOpening opening = StoreOpening.open(config);
        this.region = opening.parts().region();
        this.heap = opening.parts().heap();
        this.table = opening.parts().table();
        this.file = opening.parts().file();
        this.recovered = opening.parts().recovered();
        this.budget = opening.budget();
        this.codecs = new KeyValueCodecs<>(config.keys(), config.values(), table, heap);
        this.keys = codecs.keys;
        this.values = codecs.values;
        this.longs = codecs.longKeys && codecs.longValues;
        this.staleCheck = config.guarded(Guard.STALE_VIEW_CHECK);
        this.writeGuard = config.writeGuard();
        this.expiring = config.expiring();
        this.access = new SegmentAccess(table, heap, file, config.concurrency() == Concurrency.CONCURRENT,
                config.guarded(Guard.CONCURRENT_WRITE_CHECK), config.guarded(Guard.EPOCH_RECLAMATION));
        this.bounds = new CacheBounds(config, opening, access);
        this.reads = new PrimitiveReads(table, heap, access, bounds);
        this.optimisticLongs = longs && reads.optimistic;
        this.writes = new SegmentWrites(table, access, bounds, new Compaction(table, heap, access));
    }

    /** Where a lock-free read is about to decode a value (tests pause readers here). */
    @FunctionalInterface
    public interface ReadHook {
        void atValue(MemorySegment memory, long offset, long length);
    }

    public void readHook(ReadHook hook) {
        this.readHook = hook;
    }

    /** Null and closed checks come first, so a foreign key type gets the same errors as any key. */
    private boolean isKeyType(Object key) {
        Objects.requireNonNull(key, "key");
        access.checkOpen();
        return keys.type().isInstance(key);
    }

    private V decodeValue(int seg, long slot) {
        return codecs.decodeValue(seg, slot);
    }

    private void guard(K key, V value) {
        if (writeGuard != null) {
            String reason = writeGuard.check(key, value);
            if (reason != null) {
                throw new RejectedWriteException(String.valueOf(key), reason);
            }
        }
    }

    /* --- Map --- */

    @Override
    public V get(Object key) {
        if (!isKeyType(key)) {
            return null;
        }
        Object found = longs && readHook == null ? reads.boxedLong((Long) key) : PrimitiveReads.UNDECIDED;
        if (found != PrimitiveReads.UNDECIDED) {
            @SuppressWarnings("unchecked")
            V value = (V) found;
            return value;
        }
        Key k = codecs.key(key);
        return access.read(k.seg, () -> {
            long slot = bounds.lookup(k.seg, k.hash, k.bytes, k.length, k.bits);
            if (slot < 0) {
                return null;
            }
            ReadHook hook = readHook;
            if (hook != null) {
                hook.atValue(heap.mem(), table.slots.valueOffset(k.seg, slot), table.slots.valueLength(k.seg, slot));
            }
            return decodeValue(k.seg, slot);
        });
    }

    @Override
    public boolean containsKey(Object key) {
        if (!isKeyType(key)) {
            return false;
        }
        Key k = codecs.key(key);
        return access.read(k.seg, () -> {
            long slot = k.find();
            return slot >= 0 && !bounds.expired(slot);
        });
    }

    @Override
    public V put(K key, V value) {
        return put(key, value, bounds.deadline());
    }

    @Override
    public V put(K key, V value, Duration expireAfterWrite) {
        if (!expiring) {
            throw new UnsupportedOperationException("per-entry expiry needs a store opened with expireAfterWrite(...)"
                    + " (give a long default if entries should normally live forever)");
        }
        if (expireAfterWrite.isNegative() || expireAfterWrite.isZero()) {
            throw new IllegalArgumentException("expireAfterWrite must be positive, was " + expireAfterWrite);
        }
        return put(key, value, bounds.clock.getAsLong() + expireAfterWrite.toMillis());
    }

    private V put(K key, V value, long deadline) {
        if (longs && key instanceof Long longKey && value instanceof Long longValue) {
            // A long store's put of a present key replaces the value in place, without the lock, when it can.
            guard(key, value);
            Long old = writes.putInPlace(longKey, longValue);
            if (old != null) {
                @SuppressWarnings("unchecked")
                V replaced = (V) old;
                return replaced;
            }
            return lockedPut(codecs.key(key), codecs.value(value), deadline);
        }
        Key k = codecs.key(key);
        Value<V> v = codecs.value(value);
        guard(key, value);
        return lockedPut(k, v, deadline);
    }

    private V lockedPut(Key k, Value<V> v, long deadline) {
        return writes.write(k, (slot, effect) -> {
            V old = slot < 0 ? null : decodeValue(k.seg, slot);
            effect[0] |= writes.put(k, v, deadline);
            return old;
        });
    }

    @Override
    public V putIfAbsent(K key, V value) {
        Key k = codecs.key(key);
        Value<V> v = codecs.value(value);
        return writes.write(k, (slot, effect) -> {
            if (slot >= 0) {
                return decodeValue(k.seg, slot);
            }
            guard(key, value);
            effect[0] |= writes.put(k, v, bounds.deadline());
            return null;
        });
    }

    @Override
    public V remove(Object key) {
        if (!isKeyType(key)) {
            return null;
        }
        Key k = codecs.key(key);
        @SuppressWarnings("unchecked")
        K typed = (K) key;
        return writes.write(k, (slot, effect) -> {
            if (slot < 0) {
                return null;
            }
            V old = decodeValue(k.seg, slot);
            guard(typed, null);
            table.writes.remove(k.seg, k.hash, k.bytes, 0, k.length, k.bits);
            effect[0] |= CacheBounds.REMOVED;
            return old;
        });
    }

    @Override
    public boolean remove(Object key, Object value) {
        Objects.requireNonNull(value, "value");
        if (!isKeyType(key)) {
            return false;
        }
        Key k = codecs.key(key);
        @SuppressWarnings("unchecked")
        K typed = (K) key;
        return writes.write(k, (slot, effect) -> {
            if (slot < 0 || !KeyValueCodecs.valueEquals(decodeValue(k.seg, slot), value)) {
                return false;
            }
            guard(typed, null);
            table.writes.remove(k.seg, k.hash, k.bytes, 0, k.length, k.bits);
            effect[0] |= CacheBounds.REMOVED;
            return true;
        });
    }

    @Override
    public boolean replace(K key, V oldValue, V newValue) {
        Objects.requireNonNull(oldValue, "oldValue");
        Key k = codecs.key(key);
        Value<V> v = codecs.value(newValue);
        return writes.write(k, (slot, effect) -> {
            if (slot < 0 || !KeyValueCodecs.valueEquals(decodeValue(k.seg, slot), oldValue)) {
                return false;
            }
            guard(key, newValue);
            writes.put(k, v, bounds.deadline());
            return true;
        });
    }

    @Override
    public V replace(K key, V value) {
        Key k = codecs.key(key);
        Value<V> v = codecs.value(value);
        return writes.write(k, (slot, effect) -> {
            if (slot < 0) {
                return null;
            }
            V old = decodeValue(k.seg, slot);
            guard(key, value);
            writes.put(k, v, bounds.deadline());
            return old;
        });
    }

    @Override
    public boolean containsValue(Object value) {
        Objects.requireNonNull(value, "value");
        access.checkOpen();
        for (V v : values()) {
            if (KeyValueCodecs.valueEquals(v, value)) {
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
        long n = expiring ? bounds.unexpiredSize() : longSize();
        return n > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) n;
    }

    private long longSize() {
        access.checkOpen();
        return StoreInspection.countedEntries(table);
    }

    @Override
    public boolean isEmpty() {
        return expiring ? bounds.unexpiredSize() == 0 : longSize() == 0;
    }

    @Override
    public void clear() {
        long[] stamps = access.enterAll();
        try {
            if (access.epochs != null) {
                // clear() gives back every block at once: wait out each lock-free reader that might
                // still be inside the old tables (new ones see odd stamps and wait for the locks).
                access.epochs.synchronize();
            }
            table.clear();
            bounds.cleared();
        } finally {
            access.exitAll(stamps);
        }
    }

    @Override
    public Set<Entry<K, V>> entrySet() {
        access.checkOpen();
        StoreEntrySet<K, V> es = entrySet;
        if (es == null) {
            es = new StoreEntrySet<>(this, access, table, bounds, codecs);
            entrySet = es;
        }
        return es;
    }

    /* --- Zero-allocation paths: hand-written, no lambda, calls to final classes only --- */

    private void requireLongs() {
        if (!longs) {
            throw new UnsupportedOperationException("getLong/putLong need Codecs.longs() for keys and values; this store has "
                    + keys.id() + " → " + values.id());
        }
    }

    @Override
    public long getLong(long key, long absent) {
        long hash = table.hashOfLong(key);
        int seg = table.segmentOf(hash);
        if (optimisticLongs) {
            return reads.readLongKeyOptimistic(seg, hash, key, null, absent);
        }
        requireLongs();
        return reads.readLongKey(seg, hash, key, null, absent);
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
        writes.primitiveWrite(table.segmentOf(hash), hash, null, Long.BYTES, key, null, Long.BYTES, value, false);
    }

    @Override
    public boolean get(MemorySegment key, MemorySegment valueOut) {
        codecs.checkEncodedKey(key);
        Objects.requireNonNull(valueOut, "valueOut");
        return reads.get(codecs, key, valueOut);
    }

    @Override
    public void put(MemorySegment key, MemorySegment value) {
        codecs.checkEncodedKey(key);
        codecs.checkEncodedValue(value);
        if (writeGuard != null) {
            guard(keys.decode(key, 0, key.byteSize()), values.decode(value, 0, value.byteSize()));
        }
        writes.segmentWrite(codecs, key, value);
    }

    @Override
    public boolean remove(MemorySegment key) {
        codecs.checkEncodedKey(key);
        if (writeGuard != null) {
            guard(keys.decode(key, 0, key.byteSize()), null);
        }
        return writes.segmentWrite(codecs, key, null);
    }

    /* --- Views --- */

    @Override
    public ValueView view(K key) {
        return SlotView.find(codecs.key(key), access, table, heap, bounds, staleCheck);
    }

    /* --- Observability and lifecycle --- */

    @Override
    public CacheStats cacheStats() {
        access.checkOpen();
        return bounds.cacheStats(longSize(), region.size());
    }

    @Override
    public void cleanUp() {
        access.checkOpen();
        access.beforeWrite();
        bounds.sweepAll();
        heap.reclaimNow();
        writes.compaction.compactAll(false);
    }

    @Override
    public void compact() {
        access.checkOpen();
        access.beforeWrite();
        writes.compaction.compactAll(true);
    }

    /** @return slabs the entry heap gave back to the release policy since the store opened (for tests) */
    public long slabsReleased() {
        return heap.slabsReleased();
    }

    /** @return sweeps of the entry heap's slabs since the store opened (for tests) */
    public long slabSweeps() {
        return heap.sweeps();
    }

    @Override
    public StoreStats stats() {
        return StoreInspection.stats(access, table, heap, region, budget, writes.compaction);
    }

    @Override
    public VerifyReport verify() {
        return StoreInspection.verify(access, table, heap);
    }

    @Override
    public void sync() {
        access.checkOpen();
        StoreFile.sync(region, config.file());
    }

    @Override
    public boolean isClosed() {
        return access.isClosed();
    }

    @Override
    public void close() {
        synchronized (closing) {
            if (access.isClosed()) {
                return;
            }
            // Wait out every write in flight, then keep the segments: a waiter that takes one after this
            // would touch unmapped memory, so waiters see closed and give up instead. (A file's stamps
            // are reset when it is next opened.)
            access.closeAll();
            StoreFile.close(region, file, config.file());
        }
    }

    /**
     * The region the store lives in, for tools that measure or force the kernel's behaviour on it
     * (the harness forces MADV_FREE's lazy reclaim with MADV_PAGEOUT). Writing to it corrupts the store.
     *
     * @return the region
     */
    public MappedRegion region() {
        access.checkOpen();
        return region;
    }

    /** @return whether opening found the file dirty (not closed cleanly) and recovered it */
    public boolean wasRecovered() {
        return recovered;
    }

    /** Test hook: the region offsets the table is laid out at. Not part of the public API. */
    public HashTable table() {
        return table;
    }

    /** Test hook: the store's memory. Not part of the public API. */
    public MemorySegment memory() {
        return heap.mem();
    }

    @Override
    public String toString() {
        return isClosed() ? "OffHeapMap[closed]" : super.toString();
    }
}

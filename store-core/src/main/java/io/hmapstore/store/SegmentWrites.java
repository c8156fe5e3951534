package io.hmapstore.store;

import io.hmapstore.StoreFullException;
import io.hmapstore.store.KeyValueCodecs.Key;
import io.hmapstore.store.KeyValueCodecs.Value;
import io.hmapstore.table.HashTable;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The one skeleton every write of a {@link TableStore} runs: enter the key's segment, drop the key's
 * entry first if it has expired, do the operation's step, sweep a little for expired entries, move a
 * few chains' entries out of sparse slabs while a compaction runs ({@link Compaction#afterWrite}), leave,
 * then do the cache bookkeeping ({@link CacheBounds#afterWrite}: queue a new key, evict while over the
 * bounds). A write that finds the store full (a {@code maxBytes} store whose region cannot grow) makes
 * room ({@link CacheBounds#makeRoom}) and runs again, so its step must have done nothing when it threw.
 *
 * <p>The skeleton is written twice: {@link #write} takes the boxed operations' steps as lambdas;
 * {@link #primitiveWrite} is the same skeleton with its two steps (put, remove) written in, so that the
 * zero-allocation paths make no lambda and their call sites stay monomorphic.
 */
final class SegmentWrites {
    /** As {@code Codecs.longs()} encodes: 8 bytes, little-endian, which is native order here. */
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    private final HashTable table;
    private final SegmentAccess access;
    private final CacheBounds bounds;
    /** The store's compaction, whose share of the work every write does; {@code compact()} reaches it here. */
    final Compaction compaction;
    /**
     * The concurrent store's updates made without the segment's lock; null when a put of a present key
     * has more to do than replace a long (other sizes, expiry) or there is no lock (a single-writer store,
     * whose counterpart is {@link #updatesAlone}).
     */
    private final InPlaceUpdates inPlace;
    /**
     * Whether a single-writer store's put of a long to a present long key replaces the value and does
     * nothing else of a write ({@link #updateAlone}): the single-writer counterpart of {@link #inPlace}.
     */
    private final boolean updatesAlone;

    SegmentWrites(HashTable table, SegmentAccess access, CacheBounds bounds, Compaction compaction) {
        this.table = table;
        this.access = access;
        this.bounds = bounds;
        this.compaction = compaction;
        this.inPlace = access.locks != null && table.writes.replacesLongsInPlace && !bounds.expiring
                ? access.locks.updates : null;
        this.updatesAlone = access.locks == null && table.writes.replacesLongsInPlace && !bounds.expiring;
    }

    /** The step of one boxed write, run with the key's segment held and the key's live slot found. */
    @FunctionalInterface
    interface Write<T> {
        /**
         * @param slot the key's slot, or -1 if it is absent (or was expired, and has been removed)
         * @param effect where the step records {@link CacheBounds#INSERTED} or {@link CacheBounds#REMOVED}
         * @return the operation's result
         */
        T run(long slot, int[] effect);
    }

    /** Runs a boxed write's {@code step} in the skeleton. */
    <T> T write(Key k, Write<T> step) {
        for (int attempt = 0; ; attempt++) {
            int[] effect = {0};
            T result = null;
            StoreFullException full = null;
            long stamp = access.enterWrite(k.seg);
            try {
                result = step.run(bounds.liveSlot(k.seg, k.hash, k.find()), effect);
                bounds.sweep(k.seg);
                compaction.afterWrite(k.seg);
            } catch (StoreFullException e) {
                full = e;
            } finally {
                access.exitWrite(k.seg, stamp);
            }
            if (full != null) {
                bounds.makeRoom(full, attempt);
                continue;
            }
            bounds.afterWrite(k.hash, effect[0]);
            return result;
        }
    }

    /**
     * A boxed put, inside a write's step; counts the put.
     *
     * @return {@link CacheBounds#INSERTED} if the key was new, else 0
     */
    int put(Key k, Value<?> v, long deadline) {
        boolean updated = table.writes.put(k.seg, k.hash, k.bytes, 0, k.length, k.bits, null, 0, v.length, v.bits,
                v.writer(), deadline);
        bounds.puts.increment(k.seg);
        return updated ? 0 : CacheBounds.INSERTED;
    }

    /**
     * {@code put(MemorySegment, MemorySegment)}, or {@code remove(MemorySegment)} when {@code value} is
     * null, on caller-encoded bytes: an 8-byte key or value travels as its bits.
     *
     * @return for a remove, whether the key was there
     */
    boolean segmentWrite(KeyValueCodecs<?, ?> codecs, MemorySegment key, MemorySegment value) {
        boolean keyBits = codecs.keySize == Long.BYTES;
        long bits = codecs.bitsOfEncodedKey(key);
        long hash = codecs.hashOfEncodedKey(key, bits);
        boolean remove = value == null;
        boolean valueBits = !remove && codecs.valueSize == Long.BYTES;
        return primitiveWrite(table.segmentOf(hash), hash, keyBits ? null : key, key.byteSize(), bits,
                remove || valueBits ? null : value, remove ? 0 : value.byteSize(), valueBits ? value.get(LONG, 0) : 0,
                remove);
    }

    /**
     * The primitive writes ({@link #write} written out so they allocate nothing): a put, or with
     * {@code remove} a removal.
     *
     * @return for a removal, whether the key was there; for a put, true
     */
    boolean primitiveWrite(int seg, long hash, MemorySegment key, long keyLength, long keyBits,
            MemorySegment value, long valueLength, long valueBits, boolean remove) {
        if (inPlace != null && !remove && updateInPlace(seg, hash, keyBits, valueBits)) {
            return true;
        }
        for (int attempt = 0; ; attempt++) {
            int effect = 0;
            boolean result = true;
            StoreFullException full = null;
            boolean updatedAlone = false;
            long stamp = access.enterWrite(seg);
            try {
                if (updatesAlone && !remove && updateAlone(seg, hash, keyBits, valueBits)) {
                    updatedAlone = true;
                    return true;
                }
                if (bounds.expiring) {
                    bounds.liveSlot(seg, hash, table.find(seg, hash, key, 0, keyLength, keyBits));
                }
                if (remove) {
                    result = table.writes.remove(seg, hash, key, 0, keyLength, keyBits);
                    effect = result ? CacheBounds.REMOVED : 0;
                } else {
                    effect = table.writes.put(seg, hash, key, 0, keyLength, keyBits, value, 0, valueLength, valueBits,
                            bounds.deadline()) ? 0 : CacheBounds.INSERTED;
                    bounds.puts.increment(seg);
                }
                bounds.sweep(seg);
                compaction.afterWrite(seg);
            } catch (StoreFullException e) {
                full = e;
            } finally {
                if (updatedAlone) {
                    access.exitWriteInPlace(seg, stamp);
                } else {
                    access.exitWrite(seg, stamp);
                }
            }
            if (full != null) {
                bounds.makeRoom(full, attempt);
                continue;
            }
            bounds.afterWrite(hash, effect);
            return result;
        }
    }

    /**
     * A single-writer store's put of a long to a present long key, inside the write section (the stamp
     * taken by CAS, so the writer check stands): the value's aligned word is replaced, as
     * {@link #updateInPlace} does in a concurrent store, and nothing else of a write is done. The
     * segment's structure does not change, so its bucket array is not checked and published again
     * ({@link SegmentAccess#exitWriteInPlace}); a present key leaves no insert to count or queue, and no
     * sweep, since such a store does not expire. It takes 0.51 × the full write's time (benchmarks/README.md).
     *
     * @return whether it was done; if not, nothing was written, and the put goes on as a full write
     */
    private boolean updateAlone(int seg, long hash, long key, long value) {
        if (!compaction.idle()) {
            return false;
        }
        long at = table.writes.longValueInPlace(seg, hash, key);
        if (at < 0) {
            return false;
        }
        table.writes.setLongValue(at, value);
        bounds.puts.increment(seg);
        return true;
    }

    /**
     * A put of a long to a present long key, without the segment's lock ({@link InPlaceUpdates}): all
     * that the skeleton would do for it is replace the value, since a present key leaves no expired entry,
     * sweep or cache bookkeeping behind, and no compaction is under way or wanted.
     *
     * @return whether it was done; if not, nothing was written, and the put takes the lock
     */
    private boolean updateInPlace(int seg, long hash, long key, long value) {
        int cell = enterInPlace(seg);
        if (cell < 0) {
            return false;
        }
        long at = -1;
        try {
            at = table.writes.longValueInPlace(seg, hash, key);
            if (at >= 0) {
                table.writes.setLongValue(at, value);
            }
        } finally {
            inPlace.exit(cell, at >= 0);
        }
        return at >= 0;
    }

    /**
     * The boxed {@code put(K, V)} of a long store, as {@link #updateInPlace} does it: the value is swapped,
     * so the put returns the one it replaced.
     *
     * @return the replaced value, or null if nothing was written (the put then takes the lock)
     */
    Long putInPlace(long key, long value) {
        if (inPlace == null) {
            return null;
        }
        long hash = table.hashOfLong(key);
        int seg = table.segmentOf(hash);
        int cell = enterInPlace(seg);
        if (cell < 0) {
            return null;
        }
        Long old = null;
        try {
            long at = table.writes.longValueInPlace(seg, hash, key);
            if (at >= 0) {
                old = table.writes.swapLongValue(at, value);
            }
        } finally {
            inPlace.exit(cell, old != null);
        }
        return old;
    }

    /**
     * Claims the current thread's cell for an update in place in segment {@code seg}, if nothing asks for
     * the lock instead: a compaction wanted or under way (it advances only on locked writes), the cell
     * held by another thread, or the segment locked now.
     *
     * @return the cell, for {@link InPlaceUpdates#exit}; -1 if not claimed
     */
    private int enterInPlace(int seg) {
        if (!compaction.idle()) {
            return -1;
        }
        access.checkOpen();
        access.beforeWrite();
        int cell = inPlace.enter(seg);
        if (cell >= 0 && table.writing(seg)) {
            inPlace.exit(cell, false);
            return -1;
        }
        return cell;
    }
}

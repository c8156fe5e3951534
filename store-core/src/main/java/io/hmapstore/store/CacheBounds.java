package io.hmapstore.store;

import io.hmapstore.CacheStats;
import io.hmapstore.StoreFullException;
import io.hmapstore.heap.EntryHeap;
import io.hmapstore.table.HashTable;
import io.hmapstore.table.SegmentCounters;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * The cache side of a {@link TableStore}: its bounds ({@code maxEntries}, {@code maxBytes}), eviction
 * through the {@link S3Fifo} queues, expiry, and the counters behind {@code cacheStats()}. A store
 * without bounds or expiry has one too, with everything switched off, so that the façade asks it
 * instead of testing each feature itself.
 *
 * <p>Implementation notes. A write that inserts a key queues its hash and, with the queues' monitor
 * held, evicts while the store is over a bound ({@link #evictWhileOver}): over {@code entryLimit} live
 * entries, or over {@code evictAbove} entry and overflow bytes in the heap. Each candidate is looked up
 * by hash in its segment, entered for writing one at a time ({@link #evictOrRequeueOne}): a read entry
 * is requeued one frequency step lower (S3-FIFO), an unread one is removed. A write that finds the
 * store full evicts ever larger batches, reclaims retired memory and defragments the heap before it
 * tries again ({@link #makeRoom}). Expired entries count as absent to readers; writers remove the one
 * they meet and sweep two buckets of their segment per write, so expiry's memory comes back a little at
 * a time ({@link #sweep}), and {@code cleanUp()} sweeps everything ({@link #sweepAll}). The live count
 * is kept only by stores that evict: it is what {@code maxEntries} is judged against.
 */
final class CacheBounds {
    /** What a write did, for the bookkeeping that runs after it has left its segment. */
    static final int INSERTED = 1;
    static final int REMOVED = 2;
    private static final int MAKE_ROOM_ATTEMPTS = 40;

    private final HashTable table;
    private final EntryHeap heap;
    private final SegmentAccess access;

    // Cache features: null/0/false for a store without bounds or expiry.
    /** The eviction queues; null for a store that does not evict. */
    final S3Fifo eviction;
    private final AtomicLong live;
    final long maxEntries;
    final long maxBytes;
    /** The most entries kept: {@code maxEntries}, or what a byte bound's table holds at its largest; 0 for none. */
    private final long entryLimit;
    /** Entry and overflow bytes past which writes evict: three quarters of the budget's entry share. */
    private final long evictAbove;
    final boolean expiring;
    private final long ttlMillis;
    final LongSupplier clock;
    private final boolean recording;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder evictions = new LongAdder();
    private final LongAdder expirations = new LongAdder();
    /** Entries written, counted by each segment's writer (a LongAdder cost an atomic operation per put). */
    final SegmentCounters puts;
    private final long[] sweepHands;
    private final LongConsumer expiredBySweep = hash -> expiredOne();

    CacheBounds(StoreConfig<?, ?> config, StoreOpening opening, SegmentAccess access) {
        this.table = opening.parts().table();
        this.heap = opening.parts().heap();
        this.access = access;
        this.maxEntries = config.maxEntries();
        this.maxBytes = config.maxBytes();
        this.entryLimit = opening.entryLimit();
        this.evictAbove = opening.evictAbove();
        this.expiring = config.expiring();
        this.ttlMillis = expiring ? config.expireAfterWrite().toMillis() : 0;
        this.clock = config.clock();
        this.recording = config.evicting() || expiring;
        this.sweepHands = new long[table.segments];
        this.puts = new SegmentCounters(table.segments);
        if (config.evicting()) {
            eviction = new S3Fifo(entryLimit > 0 ? entryLimit : maxBytes / 64);
            live = new AtomicLong(StoreInspection.countedEntries(table));
            requeueExisting();
        } else {
            eviction = null;
            live = null;
        }
    }

    /** A reopened bounded store queues what it holds, in no particular order (the order is not kept). */
    private void requeueExisting() {
        synchronized (eviction) {
            for (int s = 0; s < table.segments; s++) {
                int seg = s;
                for (long cursor = 0; cursor != HashTable.DONE; ) {
                    cursor = table.collect(seg, cursor, slot -> eviction.inserted(table.slots.hashOf(seg, slot)));
                }
            }
            evictWhileOver();
        }
    }

    /* --- Reads --- */

    /**
     * A read's lookup: an expired entry counts as absent; a hit counts an access for eviction. The
     * counters may count a read twice when an optimistic read is retried: they are statistics.
     */
    long lookup(int seg, long hash, MemorySegment key, long keyLength, long keyBits) {
        long slot = table.find(seg, hash, key, 0, keyLength, keyBits);
        if (slot >= 0 && expiring && table.slots.expired(slot, clock.getAsLong())) {
            slot = -1;
        }
        if (slot >= 0 && eviction != null) {
            table.slots.touch(slot);
        }
        countLookup(slot >= 0);
        return slot;
    }

    private void countLookup(boolean hit) {
        if (recording) {
            if (hit) {
                hits.increment();
            } else {
                misses.increment();
            }
        }
    }

    /* --- Expiry --- */

    /** @return the deadline of an entry written now, 0 in a store that does not expire */
    long deadline() {
        return expiring ? clock.getAsLong() + ttlMillis : 0;
    }

    /** @return whether the entry in {@code slot} has expired (false in a store that does not expire) */
    boolean expired(long slot) {
        return expiring && table.slots.expired(slot, clock.getAsLong());
    }

    /** In a write section: the key's slot, or -1 if absent or expired (an expired entry is removed). */
    long liveSlot(int seg, long hash, long slot) {
        if (slot >= 0 && expiring && table.slots.expired(slot, clock.getAsLong())) {
            table.writes.removeByHash(seg, hash);
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
    void sweep(int seg) {
        if (expiring) {
            long next = table.sweepExpired(seg, sweepHands[seg], 2, clock.getAsLong(), expiredBySweep);
            sweepHands[seg] = next == HashTable.SWEEP_INTERRUPTED ? 0 : next;
        }
    }

    /** {@code cleanUp()}'s part: every segment swept whole, as its writer. */
    void sweepAll() {
        if (!expiring) {
            return;
        }
        for (int s = 0; s < table.segments; s++) {
            long stamp = access.enterWrite(s);
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
                access.exitWrite(s, stamp);
            }
        }
    }

    /** Counts the entries whose time has not run out, one segment at a time, as a reader. */
    long unexpiredSize() {
        access.checkOpen();
        long now = clock.getAsLong();
        long[] n = {0};
        HashTable.SlotSink counter = slot -> n[0] += table.slots.expired(slot, now) ? 0 : 1;
        for (int s = 0; s < table.segments; s++) {
            long stamp = access.enterRead(s);
            try {
                for (long cursor = 0; cursor != HashTable.DONE; ) {
                    cursor = table.collect(s, cursor, counter);
                }
            } finally {
                access.exitRead(s, stamp);
            }
        }
        return n[0];
    }

    /* --- Eviction Support --- */

    /** After a write has left its segment: counts what it did, queues a new key, evicts while over the bounds. */
    void afterWrite(long hash, int effect) {
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

    /** {@code clear()}'s part, with every segment held: the queues and the live count start again. */
    void cleared() {
        if (eviction != null) {
            synchronized (eviction) {
                eviction.clear();
                live.set(0);
            }
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
        long stamp = access.enterWrite(seg);
        try {
            long slot = table.findByHash(seg, hash);
            if (slot < 0) {
                return true;
            }
            if (expiring && table.slots.expired(slot, clock.getAsLong())) {
                table.writes.removeByHash(seg, hash);
                expiredOne();
                return true;
            }
            int frequency = table.slots.frequency(slot);
            if (frequency > 0) {
                table.slots.frequency(slot, fromSmall ? 0 : frequency - 1);
                if (fromSmall) {
                    eviction.promote(hash);
                } else {
                    eviction.reinsert(hash);
                }
                return true;
            }
            table.writes.removeByHash(seg, hash);
            if (fromSmall) {
                eviction.remember(hash);
            }
            evictions.increment();
            live.decrementAndGet();
            return true;
        } finally {
            access.exitWrite(seg, stamp);
        }
    }

    /**
     * A write found the store full: evict a batch, twice as large on every attempt, free what readers no
     * longer see and gather the free space ({@link EntryHeap#defragment}). The plan guarantees that
     * once nothing is left to evict the write fits; a write still refused then (a reader that never
     * leaves its epoch, say) gets the exception.
     */
    void makeRoom(StoreFullException full, int attempt) {
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

    /* --- Statistics --- */

    /**
     * @param entries the entries the segments count
     * @param mappedBytes the region's size
     * @return the counters, with the bounds they were kept under
     */
    CacheStats cacheStats(long entries, long mappedBytes) {
        // Updates made in place (concurrent mode) are counted in their writers' cells, not per segment.
        long written = puts.sum() + (access.locks == null ? 0 : access.locks.updates.puts());
        return new CacheStats(hits.sum(), misses.sum(), evictions.sum(), expirations.sum(), written, entries,
                maxEntries, maxBytes, heap.bytesInUse(), mappedBytes);
    }
}

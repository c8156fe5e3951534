package io.hmapstore.jcache;

import java.util.Collection;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The skeleton every cache operation runs in, and the steps it takes on one key inside it.
 *
 * <p>{@link #locked} is the skeleton: lock the key's stripe, start an event batch, run the
 * operation's step, fire the batch, unlock. The steps ({@link #live}, {@link #create},
 * {@link #update}, {@link #accessed}, {@link #remove}) are what the operations are made of, and
 * are only called with the key's stripe held, from a step.
 *
 * <p>Implementation notes. An expired entry is never handed out: {@link #live} is how every step
 * reads an entry, and it removes an expired one and reports an {@code EXPIRED} event. When a step
 * throws (a writer or a loader failed) its batch is not fired: the operation failed, and the
 * caller hears of it; {@code invoke} is the exception, firing what it saw before a processor's
 * failure. Statistics are counted by the operations, mostly once the stripe is released.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class KeyOperations<K, V> {

    /**
     * One operation's work on one key, run with the key's stripe held.
     *
     * @param <K> key type
     * @param <V> value type
     * @param <R> what the operation returns
     */
    @FunctionalInterface
    interface Step<K, V, R> {
        /**
         * @param now the wall clock when the stripe was taken, in milliseconds
         * @param events where the step reports what it did
         */
        R run(long now, EventDispatch<K, V>.Batch events);
    }

    private final CacheStore store;
    private final CacheCodecs<K, V> codecs;
    private final ExpiryRules expiry;
    private final KeyStripes stripes;
    private final EventDispatch<K, V> dispatch;
    private final CacheIntegration<K, V> integration;

    KeyOperations(CacheStore store, CacheCodecs<K, V> codecs, ExpiryRules expiry, KeyStripes stripes,
            EventDispatch<K, V> dispatch, CacheIntegration<K, V> integration) {
        this.store = store;
        this.codecs = codecs;
        this.expiry = expiry;
        this.stripes = stripes;
        this.dispatch = dispatch;
        this.integration = integration;
    }

    /** Runs {@code step} on the key with these bytes, holding its stripe, then fires its events. */
    <R> R locked(byte[] keyBytes, Step<K, V, R> step) {
        ReentrantLock lock = stripes.of(keyBytes);
        lock.lock();
        try {
            EventDispatch<K, V>.Batch events = dispatch.batch();
            R result = step.run(ExpiryRules.now(), events);
            events.fire();
            return result;
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code body} holding the stripes of all these keys (taken in order, so without deadlock). */
    <R> R lockedAll(Collection<byte[]> keys, Supplier<R> body) {
        return holding(stripes.lockAll(keys), body);
    }

    /** Runs {@code body} holding every stripe: no other operation is in flight meanwhile. */
    <R> R lockedEverything(Supplier<R> body) {
        return holding(stripes.lockEverything(), body);
    }

    private <R> R holding(int[] held, Supplier<R> body) {
        try {
            return body.get();
        } finally {
            stripes.unlockAll(held);
        }
    }

    // ------------------------------------------------------------------ steps (the key's stripe held)

    /** @return the key's record if it is live; an expired one is removed and reported */
    byte[] live(byte[] keyBytes, K key, long now, EventDispatch<K, V>.Batch events) {
        byte[] record = store.get(keyBytes);
        if (record != null && CacheRecord.expired(record, now)) {
            store.remove(keyBytes);
            events.expired(key, record);
            return null;
        }
        return record;
    }

    /**
     * Creates an entry (there is no live one).
     *
     * @return whether it was stored: an expiry policy may expire it at creation
     */
    boolean create(byte[] keyBytes, K key, V value, byte[] record, long now, EventDispatch<K, V>.Batch events) {
        long at = expiry.onCreation(now);
        if (CacheRecord.expired(at, now)) {
            return false;
        }
        store.put(keyBytes, CacheRecord.withExpiry(record, at));
        events.created(key, value);
        return true;
    }

    /** Replaces a live entry's value; its expiry is the update's, or stays. */
    void update(byte[] keyBytes, K key, V value, byte[] record, byte[] current, long now,
            EventDispatch<K, V>.Batch events) {
        long at = expiry.onUpdate(now);
        store.put(keyBytes, CacheRecord.withExpiry(record, at == ExpiryRules.UNCHANGED ? CacheRecord.expiresAt(current) : at));
        events.updated(key, value, current);
    }

    /** Writes through, then creates or updates. @return whether the value was stored */
    boolean put(byte[] keyBytes, K key, V value, byte[] record, byte[] current, long now,
            EventDispatch<K, V>.Batch events) {
        integration.write(key, value);
        return store(keyBytes, key, value, record, current, now, events);
    }

    /** Creates or updates, without writing through. @return whether the value was stored */
    boolean store(byte[] keyBytes, K key, V value, byte[] record, byte[] current, long now,
            EventDispatch<K, V>.Batch events) {
        if (current == null) {
            return create(keyBytes, key, value, record, now, events);
        }
        update(keyBytes, key, value, record, current, now, events);
        return true;
    }

    /** Applies the access expiry to a live entry that was read. */
    void accessed(byte[] keyBytes, byte[] current, long now) {
        long at = expiry.onAccess(now);
        if (at != ExpiryRules.UNCHANGED && at != CacheRecord.expiresAt(current)) {
            store.put(keyBytes, CacheRecord.withExpiry(current, at));
        }
    }

    /** Removes a live entry and reports it. */
    void remove(byte[] keyBytes, K key, byte[] current, EventDispatch<K, V>.Batch events) {
        store.remove(keyBytes);
        events.removed(key, current);
    }

    /**
     * Stores a loaded value: creates the entry if absent, replaces it if {@code replace}. Neither
     * writes through nor counts as a put.
     *
     * @return the value now in the cache (the loaded one, or one that was already there), or
     *     {@code null} if the loaded one expired at creation
     */
    V install(K key, V value, boolean replace) {
        byte[] k = codecs.keyBytes(key);
        byte[] record = codecs.record(value);
        return locked(k, (now, events) -> {
            byte[] current = live(k, key, now, events);
            if (current == null) {
                return create(k, key, value, record, now, events) ? value : null;
            }
            if (replace) {
                update(k, key, value, record, current, now, events);
                return value;
            }
            return codecs.value(current);
        });
    }
}

package io.hmapstore.jcache;

import java.util.Objects;

/**
 * A cache's single-key writes and removals: {@code put}, {@code getAndPut}, {@code putIfAbsent},
 * the {@code replace}s and the {@code remove}s. Each writes through (or deletes through) inside its
 * step, with its key's stripe held, so the writer and the store change together.
 *
 * <p>Which of them count hits, misses and read times follows the reference implementation: the
 * {@code getAnd...} forms and the conditional forms read, the plain ones do not.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class CacheWrites<K, V> extends CacheOperations<K, V> {

    /** Outcome of a conditional operation: no live entry, one that did not match, or one changed. */
    private enum Outcome { MISS, HIT, CHANGED }

    /** What a conditional operation does to a live entry that holds the expected value. */
    @FunctionalInterface
    private interface Change<K, V> {
        void apply(byte[] current, long now, EventDispatch<K, V>.Batch events);
    }

    /** A step of {@code put}, {@code getAndPut}, {@code putIfAbsent} or {@code getAndReplace}. */
    @FunctionalInterface
    private interface PutStep<K, V, R> {
        R run(byte[] k, byte[] record, long now, EventDispatch<K, V>.Batch events);
    }

    CacheWrites(CacheParts<K, V> parts) {
        super(parts);
    }

    /** Checks and encodes a key and its new value, then runs {@code step} holding the key's stripe. */
    private <R> R putting(K key, V value, PutStep<K, V, R> step) {
        codecs.checkTypes(key, value);
        byte[] k = codecs.keyBytes(key);
        byte[] record = codecs.record(value);
        return ops.locked(k, (now, events) -> step.run(k, record, now, events));
    }

    void put(K key, V value) {
        long start = statistics.start();
        boolean stored = putting(key, value, (k, record, now, events) ->
                ops.put(k, key, value, record, ops.live(k, key, now, events), now, events));
        statistics.put(start, stored ? 1 : 0);
    }

    /** What {@code getAndPut} found and whether it stored its value (an expiry policy may refuse). */
    private record Swapped<V>(V old, boolean stored) {
    }

    V getAndPut(K key, V value) {
        long start = statistics.start();
        Swapped<V> swapped = putting(key, value, (k, record, now, events) -> {
            byte[] current = ops.live(k, key, now, events);
            V old = current == null ? null : codecs.value(current);
            return new Swapped<>(old, ops.put(k, key, value, record, current, now, events));
        });
        statistics.get(start, swapped.old() != null);
        statistics.put(start, swapped.stored() ? 1 : 0);
        return swapped.old();
    }

    boolean putIfAbsent(K key, V value) {
        long start = statistics.start();
        boolean stored = putting(key, value, (k, record, now, events) ->
                ops.live(k, key, now, events) == null && ops.put(k, key, value, record, null, now, events));
        statistics.hitOrMiss(!stored);
        statistics.put(start, stored ? 1 : 0);
        return stored;
    }

    boolean replace(K key, V oldValue, V newValue) {
        Objects.requireNonNull(oldValue, "oldValue");
        codecs.checkTypes(key, newValue);
        long start = statistics.start();
        byte[] k = codecs.keyBytes(key);
        byte[] expected = codecs.record(oldValue);
        byte[] record = codecs.record(newValue);
        Outcome outcome = ifValueIs(k, key, expected, (current, now, events) -> {
            integration.write(key, newValue);
            ops.update(k, key, newValue, record, current, now, events);
        });
        statistics.put(start, outcome == Outcome.CHANGED ? 1 : 0);
        statistics.get(start, outcome != Outcome.MISS);
        return outcome == Outcome.CHANGED;
    }

    /**
     * The shape of {@code remove(k, v)} and {@code replace(k, old, new)}: {@code change} runs only
     * if the key's live entry holds the expected value; otherwise reading it was an access.
     */
    private Outcome ifValueIs(byte[] k, K key, byte[] expected, Change<K, V> change) {
        return ops.locked(k, (now, events) -> {
            byte[] current = ops.live(k, key, now, events);
            if (current == null) {
                return Outcome.MISS;
            }
            if (!CacheRecord.sameValue(current, expected)) {
                ops.accessed(k, current, now);
                return Outcome.HIT;
            }
            change.apply(current, now, events);
            return Outcome.CHANGED;
        });
    }

    boolean replace(K key, V value) {
        return getAndReplace(key, value, false) != null;
    }

    V getAndReplace(K key, V value) {
        return getAndReplace(key, value, true);
    }

    /**
     * {@code replace} and {@code getAndReplace}, which differ only in whether the old value is
     * decoded for the caller.
     *
     * @return the old value (or, when not {@code decodeOld}, this object as a non-null marker), or
     *     {@code null} when there was nothing to replace
     */
    @SuppressWarnings("unchecked")
    private V getAndReplace(K key, V value, boolean decodeOld) {
        long start = statistics.start();
        Object old = putting(key, value, (k, record, now, events) -> {
            byte[] current = ops.live(k, key, now, events);
            if (current == null) {
                return null;
            }
            Object was = decodeOld ? codecs.value(current) : this;
            integration.write(key, value);
            ops.update(k, key, value, record, current, now, events);
            return was;
        });
        statistics.get(start, old != null);
        statistics.put(start, old != null ? 1 : 0);
        return (V) old;
    }

    boolean remove(K key) {
        return getAndRemove(key, false) != null;
    }

    V getAndRemove(K key) {
        return getAndRemove(key, true);
    }

    /**
     * {@code remove} and {@code getAndRemove}: the latter decodes the old value and counts a hit or
     * miss. The writer hears of the delete whether or not the cache holds the key: the store behind
     * it may.
     *
     * @return the old value (or, when not {@code decodeOld}, this object as a non-null marker), or
     *     {@code null} when there was nothing to remove
     */
    @SuppressWarnings("unchecked")
    private V getAndRemove(K key, boolean decodeOld) {
        long start = statistics.start();
        byte[] k = codecs.keyBytes(key);
        Object old = ops.locked(k, (lockedAt, events) -> {
            integration.delete(key);
            // Expiry is judged once the writer, which may be slow, has returned.
            byte[] current = ops.live(k, key, ExpiryRules.now(), events);
            if (current == null) {
                return null;
            }
            Object was = decodeOld ? codecs.value(current) : this;
            ops.remove(k, key, current, events);
            return was;
        });
        if (decodeOld) {
            statistics.get(start, old != null);
        }
        statistics.removed(start, old != null ? 1 : 0);
        return (V) old;
    }

    boolean remove(K key, V oldValue) {
        Objects.requireNonNull(oldValue, "oldValue");
        long start = statistics.start();
        byte[] k = codecs.keyBytes(key);
        byte[] expected = codecs.record(oldValue);
        Outcome outcome = ifValueIs(k, key, expected, (current, now, events) -> {
            integration.delete(key);
            ops.remove(k, key, current, events);
        });
        statistics.removed(start, outcome == Outcome.CHANGED ? 1 : 0);
        statistics.get(start, outcome != Outcome.MISS);
        return outcome == Outcome.CHANGED;
    }
}

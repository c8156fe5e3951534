package io.hmapstore.bench.subjects;

/**
 * One thread's way into a {@link Store}: the thread's reusable buffers, key holders and, for LMDB, its
 * transactions. A handle is used by one thread only; a store serves any number of them.
 *
 * <p>Every method takes the key twice, as a {@code long} and as a {@code Long} boxed in advance, so that
 * each subject uses the form its API wants and no benchmark measures boxing the caller could avoid. Values
 * are reduced to one {@code long} so the benchmarks stay the same for every subject and value kind: a
 * {@link ValueKind#BYTES100} handle copies all 100 bytes out and returns the first 8, and puts the 100-byte
 * payload with {@code value} in its first 8 bytes.
 */
public interface Handle extends AutoCloseable {

    /** What {@link #get} returns for an absent key. */
    long ABSENT = Long.MIN_VALUE;

    /**
     * Looks a key up, copying the value out.
     *
     * @param key the key
     * @param boxedKey the same key, boxed
     * @return the value (its first 8 bytes for {@link ValueKind#BYTES100}), or {@link #ABSENT}
     */
    long get(long key, Long boxedKey);

    /**
     * Stores a value, replacing any.
     *
     * @param key the key
     * @param boxedKey the same key, boxed
     * @param value the value (the stamp in the first 8 bytes for {@link ValueKind#BYTES100}); the boxed
     *     {@code Map} subjects box it (a {@code Long}) or copy the payload into a new array, as a user of
     *     such a map must hand it a distinct object per entry
     */
    void put(long key, Long boxedKey, long value);

    /**
     * Removes a key.
     *
     * @param key the key
     * @param boxedKey the same key, boxed
     * @return whether a mapping was removed, where the subject can tell without extra work (Chronicle Map
     *     is built with {@code removeReturnsNull} and always answers {@code true})
     */
    boolean remove(long key, Long boxedKey);

    /** Ends the handle's transactions and frees its buffers. Idempotent. */
    @Override
    void close();
}

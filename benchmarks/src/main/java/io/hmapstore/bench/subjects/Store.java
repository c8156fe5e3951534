package io.hmapstore.bench.subjects;

/**
 * One opened subject holding {@code long} keys: hmapstore, the bare bucket table, {@code ConcurrentHashMap},
 * Caffeine, Ehcache, Chronicle Map or LMDB, behind the same few operations so every benchmark is written
 * once. A fork of JMH measures one subject only, so the calls through this interface and {@link Handle}
 * stay monomorphic and are inlined.
 */
public interface Store extends AutoCloseable {

    /** @return a new handle for the calling thread; closed by {@link #close()} at the latest */
    Handle handle();

    /**
     * @return a handle for filling the store before anything is measured: {@link #handle()}, except that
     *     LMDB batches its writes whatever its subject, so 10M entries load in seconds
     */
    default Handle loader() {
        return handle();
    }

    /**
     * @return bytes the subject holds outside the Java heap for its data: resident mapped bytes (hmapstore),
     *     {@code offHeapMemoryUsed} (Chronicle Map), pages in use times the page size (LMDB), the whole
     *     segment (the bare table), the off-heap tier's allocated bytes (Ehcache), 0 for
     *     {@code ConcurrentHashMap} and Caffeine
     */
    long offHeapBytes();

    /** Closes every handle, unmaps or frees the subject's memory, and deletes its files. Idempotent. */
    @Override
    void close();
}

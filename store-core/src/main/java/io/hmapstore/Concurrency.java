package io.hmapstore;

/** How many threads may use a store at once. */
public enum Concurrency {
    /**
     * Any number of threads read and write; compound operations ({@code putIfAbsent}, {@code merge},
     * ...) are atomic. The default.
     */
    CONCURRENT,
    /**
     * One thread at a time, as a Go map: a second writer, or a reader racing a writer, is detected
     * and gets {@link ConcurrentWriteException} instead of torn or lost data.
     */
    SINGLE_WRITER
}

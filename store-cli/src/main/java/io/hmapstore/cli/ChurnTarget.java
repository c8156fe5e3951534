package io.hmapstore.cli;

/**
 * What a {@link Workload} drives: a set of live entries named by a sequence number, added at the
 * young end and removed at the old end (FIFO, as a cache evicts), or all at once. A store target
 * maps these to {@code put}/{@code remove}/{@code clear}; a region target to fixed-size records in
 * a mapped file, whose memory goes back through the release policy as it empties.
 */
interface ChurnTarget {

    /** Adds the next entry (one timed operation). */
    void add();

    /** Removes the oldest live entry (one timed operation); the caller ensures one is live. */
    void removeOldest();

    /** Removes every entry at once, giving the memory back through the release policy. */
    void clear();

    /** Called after a run of removals, where a store has just shrunk its table. */
    void removalsDone();

    /** @return how many entries are live */
    long live();
}

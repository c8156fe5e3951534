package io.hmapstore;

/**
 * The safety guards of DESIGN.md's table. All are on by default; switching one off through
 * {@link OffHeapMap.Builder#withoutGuards} makes its hazard visible. Meant for tests, the harness
 * and the examples only: a store without its guards can return foreign bytes or lose writes.
 */
public enum Guard {
    /** Segments are made lazily before their first write; off, a write to an unmade segment lands at offset 0. */
    MAKE_BEFORE_WRITE,
    /** Views carry generation stamps; off, a view reads whatever now lives where its entry was. */
    STALE_VIEW_CHECK,
    /** Reused memory is zeroed unless the release policy guarantees zeros; off, old bytes show through. */
    ZERO_ON_REUSE,
    /** SINGLE_WRITER stores detect concurrent writers and racing readers; off, writes can be lost or torn. */
    CONCURRENT_WRITE_CHECK,
    /**
     * In CONCURRENT stores, retired memory is reused only after every reader that might see it has
     * left (epochs); off, a lock-free reader can find its entry's memory already holding another's.
     */
    EPOCH_RECLAMATION,
    /** Offsets read from memory are checked for range, alignment and kind; off, a damaged offset is followed. */
    OFFSET_CHECK
}

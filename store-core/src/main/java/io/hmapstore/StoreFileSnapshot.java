package io.hmapstore;

/**
 * A store file looked at read-only ({@link StoreFiles#openReadOnly}): nothing is locked, recovered or
 * written, so it can be taken beside a live writer and on a file the caller may not write. While a
 * writer is attached the file may change under it: its figures are a snapshot that may be caught
 * mid-write, and a problem {@link #verify()} finds may be a write in flight.
 */
public interface StoreFileSnapshot extends AutoCloseable {

    /**
     * What the superblock says, as read; a damaged field is shown as found ({@link #verify()} says
     * which).
     *
     * @return the superblock's fields
     */
    StoreFileInfo info();

    /**
     * Whether another process held the file's writer lock when it was mapped.
     *
     * @return {@code true} if a writer was attached
     */
    boolean writerAttached();

    /**
     * The table's shape as the file holds it: per segment B, count and overflow buckets, chain lengths,
     * heap bytes by block size. Counters of a running store (growths, retired and released bytes) are 0.
     * A segment that cannot be walked is counted as far as it goes.
     *
     * @return the figures
     */
    StoreStats stats();

    /**
     * Every check {@link OffHeapMap#verify()} makes, plus the superblock's fields and the heap's block
     * headers, without stopping at the first: each problem names where it is (segment, bucket,
     * offset; segment -1 for the superblock and the heap).
     *
     * @return the problems, empty when the file is sound
     */
    VerifyReport verify();

    /** Unmaps the file. */
    @Override
    void close();
}

package io.hmapstore.infinispan;

import io.hmapstore.OffHeapMap;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.locks.StampedLock;
import java.util.function.Function;

/**
 * One hmapstore table: the entries of one Infinispan segment (or of the whole cache when the store
 * is not segmented), in one file.
 *
 * <p>Infinispan may drop a segment ({@code removeSegments}) while another thread is still reading
 * it, and an unmapped table must never be touched: every use holds a shared stamp of a
 * {@link StampedLock} and {@link #close()} takes it exclusively, so a close waits for the calls
 * under way and later calls see the table as gone. Iteration takes the stamp per step, not across
 * the whole scan, so a long scan never holds up a segment's removal; a scan of a removed segment
 * just ends.
 */
final class SegmentTable {
    private final OffHeapMap<byte[], byte[]> map;
    private final Path file;
    private final StampedLock guard = new StampedLock();
    private boolean closed;
    /**
     * Whether the table may hold entries with an expiry time, so that counting its live entries
     * needs a scan. True for a table opened from an existing file until a purge finds none.
     */
    private volatile boolean mayHoldMortal;
    /** Counts writes of mortal entries, so a purge clears {@link #mayHoldMortal} only if none raced it. */
    private final java.util.concurrent.atomic.AtomicLong mortalWrites = new java.util.concurrent.atomic.AtomicLong();

    SegmentTable(OffHeapMap<byte[], byte[]> map, Path file, boolean existed) {
        this.map = map;
        this.file = file;
        this.mayHoldMortal = existed;
    }

    Path file() {
        return file;
    }

    boolean mayHoldMortal() {
        return mayHoldMortal;
    }

    /** Called before a mortal entry is written. */
    void markMortal() {
        mortalWrites.incrementAndGet();
        mayHoldMortal = true;
    }

    /** @return a stamp for {@link #clearMortal(long)}, taken before a scan */
    long mortalStamp() {
        return mortalWrites.get();
    }

    /** A scan that began at {@code stamp} found no mortal entry: clears the flag unless one was written since. */
    void clearMortal(long stamp) {
        mayHoldMortal = false;
        if (mortalWrites.get() != stamp) {
            mayHoldMortal = true;
        }
    }

    /**
     * Runs {@code action} on the open map.
     *
     * @return its result, or {@code ifClosed} if the table has been closed
     */
    <R> R with(Function<OffHeapMap<byte[], byte[]>, R> action, R ifClosed) {
        long stamp = guard.readLock();
        try {
            return closed ? ifClosed : action.apply(map);
        } finally {
            guard.unlockRead(stamp);
        }
    }

    /** @return a weakly consistent iterator over copies of the entries; it ends early if the table is closed */
    Iterator<Map.Entry<byte[], byte[]>> iterator() {
        Iterator<Map.Entry<byte[], byte[]>> entries = with(m -> m.entrySet().iterator(), null);
        if (entries == null) {
            return java.util.Collections.emptyIterator();
        }
        return new Iterator<>() {
            private Map.Entry<byte[], byte[]> next;

            @Override
            public boolean hasNext() {
                if (next == null) {
                    next = with(m -> entries.hasNext() ? entries.next() : null, null);
                }
                return next != null;
            }

            @Override
            public Map.Entry<byte[], byte[]> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Map.Entry<byte[], byte[]> e = next;
                next = null;
                return e;
            }
        };
    }

    /** msync: the table's writes become durable against power loss. Blocking. */
    void sync() {
        with(m -> {
            m.sync();
            return null;
        }, null);
    }

    /**
     * Makes the table durable and unmaps it, waiting for calls under way. Blocking.
     *
     * @param sync whether to msync first (a clean stop) or not (the table is about to be deleted)
     */
    void close(boolean sync) {
        long stamp = guard.writeLock();
        try {
            if (!closed) {
                closed = true;
                if (sync) {
                    map.sync();
                }
                map.close();
            }
        } finally {
            guard.unlockWrite(stamp);
        }
    }
}

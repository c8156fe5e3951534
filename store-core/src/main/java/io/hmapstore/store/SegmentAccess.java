package io.hmapstore.store;

import io.hmapstore.Concurrency;
import io.hmapstore.ConcurrentWriteException;
import io.hmapstore.heap.EntryHeap;
import io.hmapstore.heap.ReaderEpochs;
import io.hmapstore.heap.Reclaimer;
import io.hmapstore.table.HashTable;
import java.lang.foreign.MemorySegment;

/**
 * How a {@link TableStore} operation enters and leaves a segment, and the one optimistic read gate:
 * every read and write of the store goes through here, so the rules of each concurrency mode live in
 * one class.
 *
 * <p>Implementation notes. In {@link Concurrency#SINGLE_WRITER} mode entering is the segment stamp
 * (Go's {@code hashWriting} flag, made a CAS so an overlapping writer is always caught): a writer takes
 * it from even to odd ({@link HashTable#beginWrite}), and a reader checks that it is even on entry and
 * unchanged on exit, else gets {@link ConcurrentWriteException}. In {@link Concurrency#CONCURRENT} mode
 * the same stamp is the segment's lock ({@link SegmentLocks}), so every compound operation is atomic,
 * and readers take no lock: {@link #read} reads the stamp, runs its body, and validates the stamp (a
 * seqlock, as {@link java.util.concurrent.locks.StampedLock}'s optimistic reads), up to
 * {@value #OPTIMISTIC_TRIES} times before it falls back to the lock. A body may see a half-made state
 * before it validates: what it follows is bounds-checked by the segment and offset-checked by the
 * table, so a torn view costs a retry, and the memory it reads is not reused while it is inside its
 * epoch ({@link ReaderEpochs}). An exception it throws counts only if the stamp validates, and then the
 * read runs again under the lock: only what a lock holder finds is recorded as a {@code Corruption}
 * event ({@link HashTable#recordCorruptionOnlyWhere}), since a torn view records none.
 *
 * <p>The loop is written twice. {@link #read} takes its body as a lambda, for the boxed reads;
 * {@link #readPrimitive} is the same loop with {@link PrimitiveReads#primitiveRead} called directly, so
 * the zero-allocation paths make no lambda and their call sites stay monomorphic.
 */
final class SegmentAccess {
    /** Optimistic attempts before a reader falls back to the segment lock. */
    static final int OPTIMISTIC_TRIES = 8;

    private final HashTable table;
    /** The segment locks of {@link Concurrency#CONCURRENT} mode; null in single-writer mode. */
    final SegmentLocks locks;
    /** Lock-free readers' epochs; null unless concurrent with {@code EPOCH_RECLAMATION}. */
    final ReaderEpochs epochs;
    /** Whether single-writer mode checks stamps ({@code CONCURRENT_WRITE_CHECK}). */
    final boolean writerCheck;
    /** The store's file, marked dirty before the first write; null for an anonymous store. */
    private final StoreFile file;
    private volatile boolean closed;

    SegmentAccess(HashTable table, EntryHeap heap, StoreFile file, boolean concurrent, boolean writerCheck,
            boolean epochReclamation) {
        this.table = table;
        this.file = file;
        this.writerCheck = writerCheck;
        this.locks = concurrent ? new SegmentLocks(table, () -> closed) : null;
        if (locks != null) {
            table.recordCorruptionOnlyWhere(locks::heldByCurrentThread);
        }
        if (locks != null && epochReclamation) {
            epochs = new ReaderEpochs();
            heap.deferFrees(new Reclaimer(epochs, heap));
        } else {
            epochs = null;
        }
    }

    /** A read of one segment, run optimistically (possibly more than once) or under the lock. */
    @FunctionalInterface
    interface Read<T> {
        T run();
    }

    boolean isClosed() {
        return closed;
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("store is closed");
        }
    }

    /**
     * Marks a file-backed store's file dirty before its first write ({@link StoreFile#beforeWrite}): every
     * write section does, and so must an operation that may write the heap outside one (a compaction's
     * plan and sweep, {@code cleanUp()}'s reclaiming).
     */
    void beforeWrite() {
        if (file != null) {
            file.beforeWrite();
        }
    }

    long enterWrite(int seg) {
        checkOpen();
        beforeWrite();
        if (locks != null) {
            return locks.lock(seg);
        }
        return writerCheck ? table.beginWrite(seg) : 0;
    }

    void exitWrite(int seg, long stamp) {
        if (locks != null) {
            locks.unlock(seg, stamp);
        } else if (writerCheck) {
            table.endWrite(seg, stamp);
        } else {
            table.publishBucketArray(seg);
        }
    }

    /**
     * {@link #exitWrite} for a single writer's section that changed no bucket array (its update of a value in
     * place): the stamp is released without checking and publishing the array again. A concurrent store's
     * lock is given back by {@link #exitWrite} only.
     */
    void exitWriteInPlace(int seg, long stamp) {
        assert locks == null : "a lock is given back by exitWrite";
        if (writerCheck) {
            table.endWriteInPlace(seg, stamp);
        }
    }

    long enterRead(int seg) {
        checkOpen();
        if (locks != null) {
            return locks.lock(seg);
        }
        if (!writerCheck) {
            return 0;
        }
        long stamp = table.readStamp(seg);
        if ((stamp & 1) != 0) {
            throw racingRead(seg);
        }
        return stamp;
    }

    void exitRead(int seg, long stamp) {
        if (locks != null) {
            locks.unlock(seg, stamp);
        } else if (writerCheck && !closed && table.readStamp(seg) != stamp) {
            throw racingRead(seg);
        }
    }

    /** Takes every segment's write side, in order, for {@code clear()}; see {@link #exitAll}. */
    long[] enterAll() {
        checkOpen();
        long[] stamps = new long[table.segments];
        int entered = 0;
        try {
            for (; entered < table.segments; entered++) {
                stamps[entered] = enterWrite(entered);
            }
            return stamps;
        } catch (RuntimeException | Error e) {
            for (int s = entered - 1; s >= 0; s--) {
                exitWrite(s, stamps[s]);
            }
            throw e;
        }
    }

    /** Leaves what {@link #enterAll} entered, in reverse order. */
    void exitAll(long[] stamps) {
        for (int s = stamps.length - 1; s >= 0; s--) {
            exitWrite(s, stamps[s]);
        }
    }

    /**
     * Runs {@code body} as a read of segment {@code seg}: under the stamp checks in SINGLE_WRITER
     * mode; lock-free and validated in CONCURRENT mode. The body must have no effect but its result,
     * since it may run several times.
     */
    <T> T read(int seg, Read<T> body) {
        if (locks == null) {
            long stamp = enterRead(seg);
            try {
                return body.run();
            } finally {
                exitRead(seg, stamp);
            }
        }
        checkOpen();
        int token = epochs != null ? epochs.enter() : -1;
        try {
            for (int attempt = 0; attempt < OPTIMISTIC_TRIES; attempt++) {
                long stamp = table.readStamp(seg);
                if ((stamp & 1) != 0) {
                    Thread.onSpinWait();
                    continue;
                }
                T result;
                try {
                    result = body.run();
                } catch (RuntimeException e) {
                    // A torn view can look corrupt or out of bounds. A stable one runs again under the
                    // lock, which throws what it finds and records a corruption event for it.
                    if (table.validate(seg, stamp)) {
                        break;
                    }
                    continue;
                }
                if (table.validate(seg, stamp)) {
                    return result;
                }
            }
        } finally {
            if (token >= 0) {
                epochs.exit(token);
            }
        }
        long held = locks.lock(seg);
        try {
            checkOpen();
            return body.run();
        } finally {
            locks.unlock(seg, held);
        }
    }

    /** {@link #read} written out for {@link PrimitiveReads#primitiveRead}, so the zero-allocation reads stay so. */
    long readPrimitive(PrimitiveReads paths, int seg, long hash, MemorySegment key, long keyBits, MemorySegment out,
            long absent) {
        if (locks == null) {
            long stamp = enterRead(seg);
            try {
                return paths.primitiveRead(seg, hash, key, keyBits, out, absent);
            } finally {
                exitRead(seg, stamp);
            }
        }
        checkOpen();
        int token = epochs != null ? epochs.enter() : -1;
        try {
            for (int attempt = 0; attempt < OPTIMISTIC_TRIES; attempt++) {
                long stamp = table.readStamp(seg);
                if ((stamp & 1) != 0) {
                    Thread.onSpinWait();
                    continue;
                }
                long result;
                try {
                    result = paths.primitiveRead(seg, hash, key, keyBits, out, absent);
                } catch (RuntimeException e) {
                    if (table.validate(seg, stamp)) {
                        break;
                    }
                    continue;
                }
                if (table.validate(seg, stamp)) {
                    return result;
                }
            }
        } finally {
            if (token >= 0) {
                epochs.exit(token);
            }
        }
        long held = locks.lock(seg);
        try {
            checkOpen();
            return paths.primitiveRead(seg, hash, key, keyBits, out, absent);
        } finally {
            locks.unlock(seg, held);
        }
    }

    /**
     * Waits out every write in flight and keeps the locks (for {@code close()}), then marks the store closed.
     * The locks stay held for good: {@code getLong}'s lock-free read does not test {@link #closed}, and finds
     * a closed store by its odd stamps ({@link PrimitiveReads#readLongKeyOptimistic}).
     */
    void closeAll() {
        if (locks != null) {
            for (int s = 0; s < table.segments; s++) {
                locks.lock(s);
            }
        }
        closed = true;
        if (epochs != null) {
            epochs.synchronize();
        }
    }

    static ConcurrentWriteException racingRead(int seg) {
        return new ConcurrentWriteException("concurrent map read and map write: segment " + seg
                + " was written while it was read (Concurrency.SINGLE_WRITER allows no reader beside a writer)");
    }
}

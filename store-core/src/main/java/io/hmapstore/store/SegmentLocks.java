package io.hmapstore.store;

import io.hmapstore.heap.Backoff;
import io.hmapstore.table.HashTable;
import java.util.function.BooleanSupplier;

/**
 * The concurrent mode's segment locks: each segment's seqlock stamp is its lock. A writer takes it by
 * a CAS from even to odd, which is also what sends lock-free readers round again, and gives it back with
 * a release store of the next even value: one atomic instruction per write. (A {@code ReentrantLock}
 * beside the stamp cost a CAS to lock, the stamp's own atomic increment, and a full fence to unlock,
 * which on x86 waits for the write's stores to reach the cache, and it parked waiters: with two threads
 * at 1M entries, put-update took 0.45 times as long when this replaced it, in two runs; README,
 * "Concurrent writes".)
 *
 * <p>Waiters spin a little, then park with exponential backoff ({@link Backoff}: 1 µs doubling to
 * 1 ms). Sections are short (one bucket's work and a little evacuation), so most waits end while
 * spinning; a waiter that outlasts the spin is waiting for a holder that is not running, and must give
 * its CPU away: a virtual thread's carrier is what the descheduled holder needs to finish. Yielding is
 * not enough there: with two carriers, virtual threads spinning and yielding for a segment held by a
 * sleeping (or monitor-blocked) virtual thread did not let it run again in a minute
 * ({@code SegmentLocksVirtualThreadsTest}).
 * The park is timed, not a queue the holder would have to signal, so {@link #unlock} stays one release
 * store, and a wake-up cannot be lost: a waiter looks again after at most {@link Backoff#MAX_PARK_NANOS}.
 * On a platform thread waiting allocates nothing, so the zero-allocation paths stay so under contention
 * (a virtual thread that parks keeps its stack on the heap meanwhile). An interrupt does
 * not end a wait (writes are not interruptible); it is kept and set again once the lock is taken.
 *
 * <p>The lock is not reentrant: a thread that enters a segment it already holds (a codec calling back
 * into its own store) gets an {@link IllegalStateException} instead of waiting forever. A waiter gives
 * up with one too once the store is closed.
 */
final class SegmentLocks {
    private final HashTable table;
    private final BooleanSupplier closed;
    /** The writers that replace a long value without the lock; a lock holder waits for those in its segment. */
    final InPlaceUpdates updates;
    /**
     * The thread holding each segment, as its holder wrote it; only ever compared with the current
     * thread. Segment {@code s} is at {@code s * STRIDE}, so writers of different segments do not write
     * to one cache line on every lock and unlock.
     */
    private final Thread[] holders;
    /** References between two holders: a 64-byte cache line at 4 bytes a reference (and still apart at 8). */
    private static final int STRIDE = 16;

    SegmentLocks(HashTable table, BooleanSupplier closed) {
        this.table = table;
        this.closed = closed;
        this.updates = new InPlaceUpdates(Runtime.getRuntime().availableProcessors());
        this.holders = new Thread[table.segments * STRIDE];
    }

    /** @return the odd stamp the segment now has, for {@link #unlock} */
    long lock(int seg) {
        Thread self = Thread.currentThread();
        if (holders[seg * STRIDE] == self) {
            throw new IllegalStateException("segment " + seg + " is already held by this thread: a store operation"
                    + " was started from inside another on the same segment (a codec calling back into its store?)");
        }
        long stamp = table.tryBeginWrite(seg);
        if (stamp < 0) {
            stamp = await(seg);
        }
        holders[seg * STRIDE] = self;
        updates.drain(seg);
        return stamp;
    }

    /** Spins, then parks with backoff, until the segment is taken; @return its odd stamp */
    private long await(int seg) {
        boolean interrupted = false;
        long park = Backoff.MIN_PARK_NANOS;
        try {
            for (int step = 0; ; step++) {
                long stamp = table.tryBeginWrite(seg);
                if (stamp >= 0) {
                    return stamp;
                }
                if (closed.getAsBoolean()) {
                    throw new IllegalStateException("store is closed");
                }
                park = Backoff.pause(step, park, this);
                interrupted |= Thread.interrupted();
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Whether the current thread holds segment {@code seg}. */
    boolean heldByCurrentThread(int seg) {
        return holders[seg * STRIDE] == Thread.currentThread();
    }

    void unlock(int seg, long stamp) {
        holders[seg * STRIDE] = null;
        table.endWrite(seg, stamp);
    }
}

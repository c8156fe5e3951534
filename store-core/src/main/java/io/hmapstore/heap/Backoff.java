package io.hmapstore.heap;

import java.util.concurrent.locks.LockSupport;

/**
 * How a thread waits for another to finish something short (a write's section, a reader's epoch):
 * it spins a little, then parks for a time that doubles from 1 µs to 1 ms. Most waits end while
 * spinning. One that outlasts the spin is waiting for a thread that is not running, and must give its
 * CPU away: a virtual thread's carrier may be what that thread needs to run again, and spinning or
 * yielding did not give it up ({@code SegmentLocksVirtualThreadsTest}, {@code EpochsVirtualThreadsTest}).
 * The park is timed, not a queue the other thread would have to signal, so finishing stays a plain
 * store, and a wake-up cannot be lost. Waiting allocates nothing.
 *
 * <p>{@code LockSupport.parkNanos} returns at once while the interrupt status is set, so a waiter
 * that does not end on an interrupt clears it after each step ({@code Thread.interrupted()}) and sets
 * it again when it is done.
 */
public final class Backoff {
    /** Spins before a waiter first parks: a few microseconds, longer than a write's section. */
    public static final int SPINS = 256;
    /** A waiter's first park; each next one is twice as long, up to {@link #MAX_PARK_NANOS}. */
    public static final long MIN_PARK_NANOS = 1_000;
    /** The longest park: how late a long wait may notice that it is over. */
    public static final long MAX_PARK_NANOS = 1_000_000;

    private Backoff() {
    }

    /**
     * One step of a wait.
     *
     * @param step the steps taken before this one, from 0
     * @param park what the step before returned; {@link #MIN_PARK_NANOS} for the first
     * @param blocker what the thread waits for, for thread dumps
     * @return {@code park} for the next step
     */
    public static long pause(int step, long park, Object blocker) {
        if (step < SPINS) {
            Thread.onSpinWait();
            return park;
        }
        LockSupport.parkNanos(blocker, park);
        return Math.min(park * 2, MAX_PARK_NANOS);
    }
}

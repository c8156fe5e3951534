package io.hmapstore.cli;

import io.hmapstore.memory.ProcessMemory;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads the process's RSS from a background thread every few milliseconds and keeps every reading,
 * so a harness cell can ask for its peak (a cell's own before/after readings miss a transient high)
 * and the plots can draw RSS over time.
 *
 * <p>A platform daemon thread rather than a scheduled executor: one thread, one loop, nothing to
 * configure, and it cannot keep the JVM alive if a caller forgets {@link #close()}. The sampler
 * reads {@code /proc/self/status}, which costs tens of microseconds: at a 5 ms period that is under
 * one percent of one core.
 */
final class RssSampler implements AutoCloseable {

    /** The shortest period allowed; below it the sampler itself becomes the workload. */
    static final long MIN_PERIOD_MILLIS = 1;

    private final long periodNanos;
    private final Thread thread;
    private volatile boolean running = true;
    private long[] nanos = new long[1 << 12];
    private long[] rss = new long[1 << 12];
    private int count;

    /**
     * Starts sampling at once.
     *
     * @param periodMillis milliseconds between readings, at least {@link #MIN_PERIOD_MILLIS}
     */
    RssSampler(long periodMillis) {
        if (periodMillis < MIN_PERIOD_MILLIS) {
            throw new IllegalArgumentException("sampling period " + periodMillis + " ms is below the minimum "
                    + MIN_PERIOD_MILLIS + " ms");
        }
        this.periodNanos = TimeUnit.MILLISECONDS.toNanos(periodMillis);
        this.thread = Thread.ofPlatform().daemon().name("hmapstore-rss-sampler").unstarted(this::loop);
        thread.start();
    }

    private void loop() {
        while (running) {
            long now = System.nanoTime();
            add(now, ProcessMemory.snapshot().rssBytes());
            LockSupport.parkNanos(periodNanos);
        }
    }

    private synchronized void add(long atNanos, long rssBytes) {
        if (count == nanos.length) {
            nanos = Arrays.copyOf(nanos, count * 2);
            rss = Arrays.copyOf(rss, count * 2);
        }
        nanos[count] = atNanos;
        rss[count] = rssBytes;
        count++;
    }

    /**
     * The highest RSS read in {@code [fromNanos, toNanos]} ({@link System#nanoTime()} values).
     *
     * @return the peak in bytes, or 0 if no reading fell in the interval
     */
    synchronized long peak(long fromNanos, long toNanos) {
        long peak = 0;
        for (int i = first(fromNanos); i < count && nanos[i] <= toNanos; i++) {
            peak = Math.max(peak, rss[i]);
        }
        return peak;
    }

    /**
     * The readings in {@code [fromNanos, toNanos]}, as milliseconds since {@code fromNanos} and bytes.
     *
     * @return {@code {millis[], bytes[]}}, both the same length
     */
    synchronized double[][] series(long fromNanos, long toNanos) {
        int from = first(fromNanos);
        int to = from;
        while (to < count && nanos[to] <= toNanos) {
            to++;
        }
        double[] millis = new double[to - from];
        double[] bytes = new double[to - from];
        for (int i = from; i < to; i++) {
            millis[i - from] = (nanos[i] - fromNanos) / 1e6;
            bytes[i - from] = rss[i];
        }
        return new double[][] {millis, bytes};
    }

    /** The index of the first reading at or after {@code fromNanos}: readings are in time order. */
    private int first(long fromNanos) {
        int lo = 0;
        int hi = count;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (nanos[mid] < fromNanos) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** @return how many readings have been taken */
    synchronized int readings() {
        return count;
    }

    /**
     * Stops the thread and waits for it, so no reading lands after the caller has moved on. An
     * interrupt while waiting is kept on the calling thread rather than thrown: the sampler is a
     * daemon and cannot outlive the JVM anyway.
     */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

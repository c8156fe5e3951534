package io.hmapstore.cli;

import org.HdrHistogram.Histogram;

/**
 * Times each operation of a harness cell into two HdrHistograms: one for every operation, one for
 * the operations right after memory went back through the release policy (a {@code clear()}, a
 * shrink, a released range), which is where a policy's cost shows: refaults after
 * {@code MADV_DONTNEED}, zeroing after {@code KEEP}, fresh mappings after {@code UNMAP}.
 *
 * <p>The histograms are made once and {@linkplain #reset reset} per cell, so a run of a hundred
 * cells does not churn the Java heap (and the RSS it measures) with histogram arrays.
 */
final class LatencyRecorder {

    /** Latencies above this (one minute) are clamped: no single map operation should take that long. */
    static final long HIGHEST_NANOS = 60_000_000_000L;

    private final Histogram all = new Histogram(1, HIGHEST_NANOS, 3);
    private final Histogram afterRelease = new Histogram(1, HIGHEST_NANOS, 3);
    private final int window;
    private int windowLeft;

    /**
     * @param window how many operations after each release count as "first touches after a release"
     */
    LatencyRecorder(int window) {
        if (window < 1) {
            throw new IllegalArgumentException("after-release window must be at least 1 operation, was " + window);
        }
        this.window = window;
    }

    /** Forgets every recorded operation, for the next cell. */
    void reset() {
        all.reset();
        afterRelease.reset();
        windowLeft = 0;
    }

    /** Marks a release: the next {@code window} operations are also recorded as first touches after it. */
    void released() {
        windowLeft = window;
    }

    /**
     * Records one operation that started at {@code startNanos} ({@link System#nanoTime()}) and ends now.
     *
     * @param startNanos when the operation started
     */
    void record(long startNanos) {
        long nanos = Math.min(Math.max(1, System.nanoTime() - startNanos), HIGHEST_NANOS);
        all.recordValue(nanos);
        if (windowLeft > 0) {
            windowLeft--;
            afterRelease.recordValue(nanos);
        }
    }

    /** @return operations recorded since the last reset */
    long operations() {
        return all.getTotalCount();
    }

    /** @return the percentiles of every operation */
    Percentiles all() {
        return Percentiles.of(all);
    }

    /** @return the percentiles of the operations right after a release (count 0 if there was none) */
    Percentiles afterRelease() {
        return Percentiles.of(afterRelease);
    }

    /**
     * Operation count and latency percentiles in nanoseconds; all 0 when nothing was recorded.
     *
     * @param count operations
     * @param p50   median
     * @param p99   99th percentile
     * @param p999  99.9th percentile
     * @param max   the slowest operation
     */
    record Percentiles(long count, long p50, long p99, long p999, long max) {
        static Percentiles of(Histogram h) {
            return new Percentiles(h.getTotalCount(), h.getValueAtPercentile(50), h.getValueAtPercentile(99),
                    h.getValueAtPercentile(99.9), h.getMaxValue());
        }
    }
}

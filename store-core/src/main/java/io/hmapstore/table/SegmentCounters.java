package io.hmapstore.table;

/**
 * One statistics counter per segment, each counted only by its segment's writer (inside the write
 * section), so counting needs no atomic read-modify-write on the write path. Counters sit a cache line
 * apart so two segments' writers do not false-share; {@link #sum} reads them racily, as statistics may.
 */
public final class SegmentCounters {
    /** Longs between two counters: one 64-byte cache line. */
    private static final int STRIDE = 8;

    private final long[] counts;

    public SegmentCounters(int segments) {
        counts = new long[segments * STRIDE];
    }

    /** Counts one; the caller is {@code seg}'s writer. */
    public void increment(int seg) {
        counts[seg * STRIDE]++;
    }

    public long sum() {
        long sum = 0;
        for (int i = 0; i < counts.length; i += STRIDE) {
            sum += counts[i];
        }
        return sum;
    }
}

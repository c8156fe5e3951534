package io.hmapstore.cli;

/**
 * How big a harness run is. The default fits the matrix in about two minutes on a 2-core machine,
 * {@code --quick} in about twenty seconds: the sizes were chosen by timing both there.
 *
 * @param entries          entries per cell (store rows) or records per cell (file region rows)
 * @param guardOffEntries  entries of the small store each cell runs with ZERO_ON_REUSE off
 * @param afterReleaseWindow operations after each release recorded as "first touches after a release"
 * @param sampleMillis     milliseconds between RSS readings
 */
record HarnessSizes(long entries, long guardOffEntries, int afterReleaseWindow, long sampleMillis) {

    /** The fewest entries a cell may have: below it the storm has no threshold to swing across. */
    static final long MIN_ENTRIES = 1_000;
    /** The fewest entries a guard-off store gets unless the cell itself is smaller. */
    static final long MIN_GUARD_OFF_ENTRIES = 3_000;
    /** The most entries a cell may have: a cell's memory then stays within a few hundred MiB. */
    static final long MAX_ENTRIES = 20_000_000;

    /** Checks the sizes; messages name the value and the limit. */
    HarnessSizes {
        if (entries < MIN_ENTRIES || entries > MAX_ENTRIES) {
            throw new IllegalArgumentException("entries " + entries + " is out of range [" + MIN_ENTRIES + ", "
                    + MAX_ENTRIES + "]");
        }
        if (guardOffEntries < MIN_ENTRIES || guardOffEntries > entries) {
            throw new IllegalArgumentException("guardOffEntries " + guardOffEntries + " is out of range ["
                    + MIN_ENTRIES + ", entries = " + entries + "]");
        }
        if (afterReleaseWindow < 1) {
            throw new IllegalArgumentException("afterReleaseWindow must be at least 1, was " + afterReleaseWindow);
        }
        if (sampleMillis < RssSampler.MIN_PERIOD_MILLIS) {
            throw new IllegalArgumentException("sampleMillis " + sampleMillis + " is below "
                    + RssSampler.MIN_PERIOD_MILLIS);
        }
    }

    /** @return the sizes of a default run */
    static HarnessSizes standard() {
        return forEntries(200_000);
    }

    /**
     * The sizes of a {@code --quick} run: 15,000 entries, small enough for the whole run to stay
     * within 20 s on this 2-core machine while other jobs keep its load average near 14 (it took
     * 24 s at 20,000 entries under that load, 11 s at a load of 6).
     *
     * @return the sizes
     */
    static HarnessSizes quick() {
        return forEntries(15_000);
    }

    /**
     * Sizes for {@code entries} per cell: the guard-off store a tenth of it (at least
     * {@value #MIN_GUARD_OFF_ENTRIES}, enough for every workload to reuse memory, at most
     * {@code entries}), the after-release window a fortieth (at least 256 operations, about the
     * first touch of every page of a bucket array that size).
     *
     * @param entries entries per cell
     * @return the sizes
     */
    static HarnessSizes forEntries(long entries) {
        long guardOff = Math.min(entries, Math.max(MIN_GUARD_OFF_ENTRIES, entries / 10));
        int window = (int) Math.max(256, entries / 40);
        return new HarnessSizes(entries, guardOff, window, 5);
    }
}

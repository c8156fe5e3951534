package io.hmapstore.cli;

/**
 * The memory patterns the harness runs each release policy under. Each is a script over a
 * {@link ChurnTarget} of {@code n} entries; the counts are chosen so every workload does a few
 * times {@code n} operations and a cell at a given {@code n} takes about as long as any other.
 */
enum Workload {
    /** Fill a store sized for {@code n}, clear it, three times: the whole heap goes back each round. */
    GROW_THEN_CLEAR("grow-then-clear", true) {
        @Override
        void run(ChurnTarget target, long n) {
            for (int round = 0; round < 3; round++) {
                addUntil(target, n);
                target.clear();
            }
        }
    },
    /**
     * Fill to {@code n}, then remove the oldest and add a new entry {@code n} times: constant size,
     * memory recycled entry by entry. A store keeps freed entries on free lists, so the policy is
     * only called if the table grows at the same size (too many overflow buckets).
     */
    STEADY_CHURN("steady-churn", true) {
        @Override
        void run(ChurnTarget target, long n) {
            addUntil(target, n);
            for (long i = 0; i < n; i++) {
                target.removeOldest();
                target.add();
            }
        }
    },
    /**
     * Grow an unsized store to {@code n} and shrink it to {@code n/16}, twice: every doubling and
     * halving retires a bucket array, and halvings hand the old array to the policy.
     */
    GROW_SHRINK_CYCLES("grow-shrink", false) {
        @Override
        void run(ChurnTarget target, long n) {
            for (int cycle = 0; cycle < 2; cycle++) {
                addUntil(target, n);
                removeUntil(target, n / 16);
            }
        }
    },
    /**
     * Oscillate an unsized store across one grow threshold and the shrink threshold below it, eight
     * times: the table doubles and halves on every swing, and each new array lands on memory the
     * last swing released.
     */
    RESIZE_STORM("resize-storm", false) {
        @Override
        void run(ChurnTarget target, long n) {
            long[] swing = stormSwing(n);
            addUntil(target, swing[1]);
            for (int cycle = 0; cycle < 8; cycle++) {
                removeUntil(target, swing[0]);
                addUntil(target, swing[1]);
            }
        }
    };

    /** Entries past a threshold each swing goes, so a resize starts and finishes within the swing. */
    static final long STORM_MARGIN = 64;

    private final String label;
    private final boolean presized;

    Workload(String label, boolean presized) {
        this.label = label;
        this.presized = presized;
    }

    /** @return the name in tables, files and plots, e.g. {@code "grow-then-clear"} */
    String label() {
        return label;
    }

    /**
     * Whether the store is opened with {@code expectedEntries(n)}. A store never shrinks below the
     * size it was opened with, so the workloads that shrink open it unsized.
     *
     * @return {@code true} for {@code expectedEntries(n)}, {@code false} for {@code expectedEntries(0)}
     */
    boolean presized() {
        return presized;
    }

    /**
     * Runs the script.
     *
     * @param target what to drive
     * @param n      the workload's size in entries
     */
    abstract void run(ChurnTarget target, long n);

    /**
     * The storm's low and high entry counts for a store of size about {@code n}: a table of
     * {@code 2^B} buckets doubles past {@code 6.5 * 2^B} entries and, once doubled, halves below a
     * quarter of its new threshold, {@code 3.25 * 2^B} (HashTable's rules, after Go's load factor).
     * {@code B} is the largest with the high count within {@code 0.6 n}, so a storm does about as
     * many operations as the other workloads.
     *
     * @return {@code {low, high}}
     */
    static long[] stormSwing(long n) {
        int log2 = 0;
        while (13 * (1L << (log2 + 1)) / 2 + STORM_MARGIN <= n * 6 / 10) {
            log2++;
        }
        long grow = 13 * (1L << log2) / 2;
        long shrink = 13 * (1L << log2) / 4;
        return new long[] {Math.max(0, shrink - STORM_MARGIN), grow + STORM_MARGIN};
    }

    private static void addUntil(ChurnTarget target, long live) {
        while (target.live() < live) {
            target.add();
        }
    }

    private static void removeUntil(ChurnTarget target, long live) {
        while (target.live() > live) {
            target.removeOldest();
        }
        target.removalsDone();
    }

    /**
     * @param label a {@link #label()}
     * @return the workload with that label
     * @throws IllegalArgumentException naming the labels there are
     */
    static Workload ofLabel(String label) {
        for (Workload w : values()) {
            if (w.label.equals(label)) {
                return w;
            }
        }
        throw new IllegalArgumentException("no workload '" + label + "'; the workloads are "
                + java.util.Arrays.stream(values()).map(Workload::label).toList());
    }
}

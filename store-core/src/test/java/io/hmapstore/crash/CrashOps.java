package io.hmapstore.crash;

import java.util.SplittableRandom;

/**
 * The deterministic operation stream a {@link CrashChild} applies, so the parent can replay exactly
 * what the child reported. Phases of mostly puts and mostly removes drive growth and shrinking.
 */
final class CrashOps {
    private static final int KEYS = 40_000;
    private final SplittableRandom random;
    private long n;
    private boolean put;
    private long key;
    private String value;

    CrashOps(long seed) {
        this.random = new SplittableRandom(seed);
    }

    void next() {
        boolean growing = (n++ / 20_000) % 2 == 0;
        put = random.nextInt(10) < (growing ? 8 : 3);
        key = random.nextInt(KEYS);
        value = put ? "v" + n + "-" + "x".repeat(random.nextInt(60)) : null;
    }

    boolean isPut() {
        return put;
    }

    long key() {
        return key;
    }

    String value() {
        return value;
    }
}

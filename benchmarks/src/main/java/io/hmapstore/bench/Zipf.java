package io.hmapstore.bench;

import java.util.SplittableRandom;

/**
 * Draws ranks {@code 0..n-1} with Zipf probabilities {@code P(r) ∝ 1/(r+1)^θ}; rank 0 is the most popular.
 *
 * <p>Implementation notes: the method of Gray et al. [1], as YCSB's {@code ZipfianGenerator} uses it
 * (with YCSB's default θ = 0.99): {@code ζ(n, θ)} is summed once, in O(n), and each draw then costs one
 * uniform number and a {@code pow}. It is an approximation that is exact for the first two ranks and close
 * for θ &lt; 1. Benchmarks draw all their ranks before measuring ({@link KeyStreams}), so the cost of a draw
 * is never measured.
 *
 * <p>[1] J. Gray, P. Sundaresan, S. Englert, K. Baclawski, P. J. Weinberger, "Quickly Generating
 * Billion-Record Synthetic Databases", SIGMOD 1994.
 */
public final class Zipf {

    private final long n;
    private final double theta;
    private final double alpha;
    private final double zetaN;
    private final double eta;
    private final double half;

    /**
     * @param n the number of ranks (at least 2)
     * @param theta the skew, in (0, 1)
     */
    public Zipf(long n, double theta) {
        if (n < 2 || !(theta > 0 && theta < 1)) {
            throw new IllegalArgumentException("need n >= 2 and 0 < theta < 1: n=" + n + ", theta=" + theta);
        }
        this.n = n;
        this.theta = theta;
        alpha = 1 / (1 - theta);
        zetaN = zeta(n, theta);
        double zeta2 = zeta(2, theta);
        eta = (1 - Math.pow(2.0 / n, 1 - theta)) / (1 - zeta2 / zetaN);
        half = Math.pow(0.5, theta);
    }

    /** @return {@code Σ_{i=1..n} 1/i^θ} */
    static double zeta(long n, double theta) {
        double sum = 0;
        for (long i = 1; i <= n; i++) {
            sum += 1 / Math.pow(i, theta);
        }
        return sum;
    }

    /**
     * @param random the source of uniform numbers
     * @return a rank in {@code [0, n)}
     */
    public long next(SplittableRandom random) {
        double u = random.nextDouble();
        double uz = u * zetaN;
        if (uz < 1) {
            return 0;
        }
        if (uz < 1 + half) {
            return 1;
        }
        long r = (long) (n * Math.pow(eta * u - eta + 1, alpha));
        return Math.min(r, n - 1);
    }

    /** @return the probability of rank {@code r} under the exact distribution */
    public double probability(long r) {
        return 1 / Math.pow(r + 1, theta) / zetaN;
    }
}

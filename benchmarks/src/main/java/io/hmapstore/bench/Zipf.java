package io.hmapstore.bench;

import java.util.SplittableRandom;

/**
 * Draws ranks {@code 0..n-1} with Zipf probabilities {@code P(r) ∝ 1/(r+1)^θ}; rank 0 is the most popular.
 *
 * <p>Implementation notes: rejection-inversion sampling [1], as Apache Commons Math's
 * {@code ZipfDistribution} and Commons RNG's {@code RejectionInversionZipfSampler} do it. It inverts the
 * integral of a continuous hat function {@code h(x) = x^-θ} and accepts the integer nearest to the result
 * with a test that makes the draw exact, rejecting rarely (expected draws per sample stay close to 1 for
 * every θ and n). It needs neither a table nor {@code ζ(n, θ)}, so 10M ranks cost nothing to set up, unlike
 * Gray et al.'s method (YCSB's {@code ZipfianGenerator}), which sums {@code ζ} and over-weights the low
 * ranks after the first. Benchmarks draw all their ranks before measuring ({@link KeyStreams}).
 *
 * <p>[1] W. Hörmann, G. Derflinger, "Rejection-inversion to generate variates from monotone discrete
 * distributions", ACM Transactions on Modeling and Computer Simulation 6(3), 169–184, 1996.
 */
public final class Zipf {

    private final long n;
    private final double theta;
    private final double hIntegralX1;
    private final double hIntegralN;
    private final double s;

    /**
     * @param n the number of ranks (at least 1)
     * @param theta the skew, above 0 (YCSB's default and issue 7's is 0.99)
     */
    public Zipf(long n, double theta) {
        if (n < 1 || !(theta > 0)) {
            throw new IllegalArgumentException("need n >= 1 and theta > 0: n=" + n + ", theta=" + theta);
        }
        this.n = n;
        this.theta = theta;
        hIntegralX1 = hIntegral(1.5) - 1;
        hIntegralN = hIntegral(n + 0.5);
        s = 2 - hIntegralInverse(hIntegral(2.5) - h(2));
    }

    /**
     * @param random the source of uniform numbers
     * @return a rank in {@code [0, n)}
     */
    public long next(SplittableRandom random) {
        while (true) {
            double u = hIntegralN + random.nextDouble() * (hIntegralX1 - hIntegralN);
            double x = hIntegralInverse(u);
            long k = (long) (x + 0.5);
            if (k < 1) {
                k = 1;
            } else if (k > n) {
                k = n;
            }
            if (k - x <= s || u >= hIntegral(k + 0.5) - h(k)) {
                return k - 1;
            }
        }
    }

    /** @return the exact probability of rank {@code r} (sums {@code ζ(n, θ)}: O(n), for tests) */
    public double probability(long r) {
        double zeta = 0;
        for (long i = n; i >= 1; i--) {
            zeta += Math.pow(i, -theta);
        }
        return Math.pow(r + 1, -theta) / zeta;
    }

    /** {@code H(x) = ((x^(1-θ)) - 1) / (1 - θ)}, written to stay exact as θ approaches 1. */
    private double hIntegral(double x) {
        double logX = Math.log(x);
        return expm1OverX((1 - theta) * logX) * logX;
    }

    private double h(double x) {
        return Math.exp(-theta * Math.log(x));
    }

    private double hIntegralInverse(double x) {
        double t = Math.max(-1, x * (1 - theta));
        return Math.exp(log1pOverX(t) * x);
    }

    /** {@code log(1+x)/x}, by its series near 0. */
    private static double log1pOverX(double x) {
        return Math.abs(x) > 1e-8 ? Math.log1p(x) / x : 1 - x * (0.5 - x * (1.0 / 3 - 0.25 * x));
    }

    /** {@code (e^x - 1)/x}, by its series near 0. */
    private static double expm1OverX(double x) {
        return Math.abs(x) > 1e-8 ? Math.expm1(x) / x : 1 + x * 0.5 * (1 + x / 3 * (1 + 0.25 * x));
    }
}

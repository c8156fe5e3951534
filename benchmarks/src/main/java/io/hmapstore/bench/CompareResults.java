package io.hmapstore.bench;

import io.hmapstore.bench.JmhResults.Metric;
import io.hmapstore.bench.JmhResults.Row;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Before and after: compares two JMH result files (a baseline and a candidate, both written with
 * {@code -rf json}) run by run, as Go's {@code benchstat} compares two sets of benchmark output.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.hmapstore.bench.CompareResults base.json candidate.json
 * java -cp benchmarks/target/benchmarks.jar io.hmapstore.bench.CompareResults --metric gc.alloc.rate.norm --fail-on-worse base.json candidate.json
 * </pre>
 *
 * <p>For every run present in both files (same method, mode, threads and parameters) it prints both scores
 * with their errors, the change in per cent and as a ratio (candidate / baseline), and a verdict:
 * {@code better} or {@code WORSE} only when the two 99.9 % confidence intervals JMH reports do not overlap,
 * {@code ~} when they do (the change is within the noise), and {@code ?} when a file has no error for the
 * run (a single measurement iteration). Lower is better for time per operation ({@code avgt}, {@code sample},
 * {@code ss}) and for the {@code --metric} figures; higher is better for {@code thrpt}. The last lines give
 * the geometric mean of the ratios and the counts. {@code --fail-on-worse} exits with status 2 when any run
 * is significantly worse, for CI.
 */
public final class CompareResults {

    /** A verdict on one run. */
    enum Verdict {
        /** Significantly better: the confidence intervals do not overlap. */
        BETTER("better"),
        /** Significantly worse. */
        WORSE("WORSE"),
        /** Within the noise: the intervals overlap. */
        SAME("~"),
        /** No error to judge by (one iteration, or a metric without one). */
        UNKNOWN("?");

        final String label;

        Verdict(String label) {
            this.label = label;
        }
    }

    /**
     * One run compared.
     *
     * @param row the baseline's row (names the run)
     * @param metric the metric compared: {@code primary} or a secondary metric's name
     * @param base the baseline's figure
     * @param candidate the candidate's figure
     * @param verdict the verdict
     */
    record Change(Row row, String metric, Metric base, Metric candidate, Verdict verdict) {
        /** @return candidate / baseline (NaN when the baseline is 0) */
        double ratio() {
            return base.score() == 0 ? (candidate.score() == 0 ? 1 : Double.NaN) : candidate.score() / base.score();
        }
    }

    private CompareResults() {
    }

    /**
     * Pairs the runs of two result files and judges each change.
     *
     * @param base the baseline's rows
     * @param candidate the candidate's rows
     * @param metrics secondary metrics to compare as well (lower is better), e.g. {@code gc.alloc.rate.norm}
     * @return the changes, in the baseline's order, each run's primary metric first
     */
    static List<Change> compare(List<Row> base, List<Row> candidate, List<String> metrics) {
        Map<String, Row> byKey = new LinkedHashMap<>();
        candidate.forEach(r -> byKey.put(r.key(), r));
        List<Change> changes = new ArrayList<>();
        for (Row b : base) {
            Row c = byKey.get(b.key());
            if (c == null) {
                continue;
            }
            changes.add(judge(b, "primary", b.primary(), c.primary(), b.lowerIsBetter()));
            for (String m : metrics) {
                Metric bm = b.secondary().get(m);
                Metric cm = c.secondary().get(m);
                if (bm != null && cm != null) {
                    changes.add(judge(b, m, bm, cm, true));
                }
            }
        }
        return changes;
    }

    /** Non-overlapping intervals, as benchstat's significance test stands in for here. */
    static Change judge(Row row, String metric, Metric base, Metric candidate, boolean lowerIsBetter) {
        Verdict v;
        if (Double.isNaN(base.error()) || Double.isNaN(candidate.error())) {
            v = Verdict.UNKNOWN;
        } else if (candidate.low() > base.high()) {
            v = lowerIsBetter ? Verdict.WORSE : Verdict.BETTER;
        } else if (candidate.high() < base.low()) {
            v = lowerIsBetter ? Verdict.BETTER : Verdict.WORSE;
        } else {
            v = Verdict.SAME;
        }
        return new Change(row, metric, base, candidate, v);
    }

    /**
     * @param args {@code [--metric NAME]... [--fail-on-worse] base.json candidate.json}
     * @throws IOException if a file cannot be read
     */
    public static void main(String[] args) throws IOException {
        List<String> metrics = new ArrayList<>();
        List<String> files = new ArrayList<>();
        boolean failOnWorse = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--metric" -> metrics.add(args[++i]);
                case "--fail-on-worse" -> failOnWorse = true;
                case "-h", "--help" -> {
                    usage(System.out);
                    return;
                }
                default -> files.add(args[i]);
            }
        }
        if (files.size() != 2) {
            usage(System.err);
            System.exit(64);
        }
        List<Row> base = JmhResults.read(Path.of(files.get(0)));
        List<Row> candidate = JmhResults.read(Path.of(files.get(1)));
        List<Change> changes = compare(base, candidate, metrics);
        print(System.out, files.get(0), base, files.get(1), candidate, changes);
        if (failOnWorse && changes.stream().anyMatch(c -> c.verdict() == Verdict.WORSE)) {
            System.exit(2);
        }
    }

    private static void usage(PrintStream out) {
        out.println("usage: CompareResults [--metric NAME]... [--fail-on-worse] base.json candidate.json");
        out.println("  compares two JMH result files (-rf json); flags only changes whose 99.9% confidence"
                + " intervals do not overlap");
        out.println("  --metric NAME    also compare a secondary metric, e.g. gc.alloc.rate.norm (lower is better)");
        out.println("  --fail-on-worse  exit with status 2 if any run is significantly worse");
    }

    static void print(PrintStream out, String baseName, List<Row> base, String candidateName, List<Row> candidate,
            List<Change> changes) {
        out.printf(Locale.ROOT, "base:      %s (%d runs)%ncandidate: %s (%d runs)%n%n", baseName, base.size(),
                candidateName, candidate.size());
        int nameWidth = "benchmark".length();
        int paramWidth = "params".length();
        for (Change c : changes) {
            nameWidth = Math.max(nameWidth, label(c).length());
            paramWidth = Math.max(paramWidth, c.row().paramString().length());
        }
        String format = "%-" + nameWidth + "s  %-6s %2s  %-" + paramWidth + "s  %24s  %24s  %18s  %s%n";
        out.printf(Locale.ROOT, format, "benchmark", "mode", "t", "params", "base", "candidate", "delta", "");
        double logSum = 0;
        int logCount = 0;
        int better = 0;
        int worse = 0;
        int same = 0;
        int unknown = 0;
        for (Change c : changes) {
            double ratio = c.ratio();
            String delta = Double.isNaN(ratio) ? "n/a"
                    : String.format(Locale.ROOT, "%+.1f%% (x%.3f)", (ratio - 1) * 100, ratio);
            out.printf(Locale.ROOT, format, label(c), c.row().mode(), c.row().threads(), c.row().paramString(),
                    figure(c.base()), figure(c.candidate()), delta, c.verdict().label);
            if (c.metric().equals("primary") && ratio > 0 && !Double.isInfinite(ratio)) {
                logSum += Math.log(ratio);
                logCount++;
            }
            switch (c.verdict()) {
                case BETTER -> better++;
                case WORSE -> worse++;
                case SAME -> same++;
                case UNKNOWN -> unknown++;
            }
        }
        out.println();
        if (logCount > 0) {
            out.printf(Locale.ROOT, "geomean of primary-score ratios (candidate/base) over %d runs: x%.3f%n",
                    logCount, Math.exp(logSum / logCount));
        }
        out.printf(Locale.ROOT, "%d better, %d worse, %d within the noise (~), %d without an error (?)%n",
                better, worse, same, unknown);
        long unmatched = base.size() + candidate.size() - 2L * changes.stream()
                .filter(c -> c.metric().equals("primary")).count();
        if (unmatched > 0) {
            out.printf(Locale.ROOT, "%d runs are in one file only and were not compared%n", unmatched);
        }
    }

    private static String label(Change c) {
        return c.metric().equals("primary") ? c.row().benchmark() : c.row().benchmark() + " " + c.metric();
    }

    private static String figure(Metric m) {
        if (Double.isNaN(m.error())) {
            return String.format(Locale.ROOT, "%s %s", number(m.score()), m.unit());
        }
        return String.format(Locale.ROOT, "%s ± %s %s", number(m.score()), number(m.error()), m.unit());
    }

    private static String number(double v) {
        double a = Math.abs(v);
        if (a >= 100_000 || (a > 0 && a < 0.01)) {
            return String.format(Locale.ROOT, "%.3g", v);
        }
        return String.format(Locale.ROOT, a >= 100 ? "%.1f" : "%.3f", v);
    }
}

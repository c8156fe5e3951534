package io.hmapstore.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The rows of a JMH result file written with {@code -rf json}, as {@link CompareResults} and {@link ResultsChart} need them. */
final class JmhResults {

    private JmhResults() {
    }

    /**
     * A score with its error, as JMH reports it.
     *
     * @param score the mean (or, for a percentile metric, that percentile)
     * @param error half the width of the 99.9 % confidence interval; NaN with fewer than two iterations
     * @param unit e.g. {@code ns/op}, {@code ops/s}, {@code B/op}
     */
    record Metric(double score, double error, String unit) {
        /** @return the lower end of the confidence interval (NaN when unknown) */
        double low() {
            return score - error;
        }

        /** @return the upper end of the confidence interval (NaN when unknown) */
        double high() {
            return score + error;
        }
    }

    /**
     * One benchmark run: a method, a mode, a thread count and a set of parameters.
     *
     * @param benchmark {@code Class.method}, without the package
     * @param mode {@code thrpt}, {@code avgt}, {@code sample} or {@code ss}
     * @param threads threads that ran it
     * @param params its {@code @Param} values, sorted by name
     * @param primary its score
     * @param secondary the profilers' figures ({@code gc.alloc.rate.norm}, ...), names without JMH's
     *     leading "·"
     */
    record Row(String benchmark, String mode, int threads, Map<String, String> params, Metric primary,
            Map<String, Metric> secondary) {

        /** @return what identifies the run across two files */
        String key() {
            return benchmark + " " + mode + " t=" + threads + " " + paramString();
        }

        /** @return {@code a=1,b=2} */
        String paramString() {
            StringBuilder sb = new StringBuilder();
            params.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ",").append(k).append('=').append(v));
            return sb.toString();
        }

        /** @return whether a smaller score is better (time per operation) */
        boolean lowerIsBetter() {
            return !mode.equals("thrpt");
        }
    }

    /**
     * @param file a JMH JSON result file
     * @return its rows, in file order
     * @throws IOException if it cannot be read
     */
    static List<Row> read(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    @SuppressWarnings("unchecked")
    static List<Row> parse(String json) {
        List<Row> rows = new ArrayList<>();
        for (Object o : (List<Object>) Json.parse(json)) {
            Map<String, Object> r = (Map<String, Object>) o;
            String benchmark = (String) r.get("benchmark");
            int dot = benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1);
            Map<String, String> params = new TreeMap<>();
            Object p = r.get("params");
            if (p != null) {
                ((Map<String, Object>) p).forEach((k, v) -> params.put(k, String.valueOf(v)));
            }
            Map<String, Metric> secondary = new LinkedHashMap<>();
            Object s = r.get("secondaryMetrics");
            if (s != null) {
                ((Map<String, Object>) s).forEach((k, v) -> secondary.put(k.startsWith("·") ? k.substring(1) : k,
                        metric((Map<String, Object>) v)));
            }
            rows.add(new Row(benchmark.substring(dot + 1), (String) r.get("mode"),
                    (int) Json.number(r.get("threads")), Collections.unmodifiableMap(params),
                    metric((Map<String, Object>) r.get("primaryMetric")), Collections.unmodifiableMap(secondary)));
        }
        return rows;
    }

    private static Metric metric(Map<String, Object> m) {
        Object error = m.get("scoreError");
        return new Metric(Json.number(m.get("score")), error == null ? Double.NaN : Json.number(error),
                (String) m.get("scoreUnit"));
    }
}

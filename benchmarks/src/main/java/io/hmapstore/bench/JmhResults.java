package io.hmapstore.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
    private static final ObjectMapper MAPPER = new ObjectMapper();

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

    /**
     * @param json the text of a JMH JSON result file
     * @return its rows, in file order
     * @throws IllegalArgumentException if it is not JSON, naming where it stops being so
     */
    static List<Row> parse(String json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr();
            throw new IllegalArgumentException("not a JMH result file: " + e.getOriginalMessage() + where, e);
        }
        List<Row> rows = new ArrayList<>();
        for (JsonNode r : root) {
            String benchmark = r.path("benchmark").asText();
            int dot = benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1);
            Map<String, String> params = new TreeMap<>();
            r.path("params").properties().forEach(e -> params.put(e.getKey(), e.getValue().asText()));
            Map<String, Metric> secondary = new LinkedHashMap<>();
            r.path("secondaryMetrics").properties().forEach(e -> secondary.put(
                    e.getKey().startsWith("·") ? e.getKey().substring(1) : e.getKey(), metric(e.getValue())));
            rows.add(new Row(benchmark.substring(dot + 1), r.path("mode").asText(), r.path("threads").asInt(),
                    Collections.unmodifiableMap(params), metric(r.path("primaryMetric")),
                    Collections.unmodifiableMap(secondary)));
        }
        return rows;
    }

    private static Metric metric(JsonNode m) {
        JsonNode error = m.get("scoreError");
        return new Metric(number(m.path("score")), error == null ? Double.NaN : number(error),
                m.path("scoreUnit").asText());
    }

    /** JMH writes a score it has no value for as the string {@code "NaN"}, every other one as a number. */
    static double number(JsonNode v) {
        return v.isTextual() ? Double.parseDouble(v.asText()) : v.asDouble(Double.NaN);
    }
}

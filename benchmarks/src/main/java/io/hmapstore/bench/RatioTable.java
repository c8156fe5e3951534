package io.hmapstore.bench;

import io.hmapstore.bench.JmhResults.Row;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Issue 12's headline table: from one JMH result file of the peer suite, the time of one subject (by
 * default {@code Hmap}) beside each other subject's, and their ratio, for every benchmark and parameter
 * set. A ratio is the subject's time over the other's: 0.80 means 20 % less time per operation. Runs
 * from one file only, so every ratio compares figures from one session on one machine.
 *
 * <pre>
 * java -cp benchmarks.jar io.hmapstore.bench.RatioTable peers.json
 * java -cp benchmarks.jar io.hmapstore.bench.RatioTable peers.json --subject HmapBoxed --against ConcurrentHashMap
 * </pre>
 */
public final class RatioTable {
    /** The subjects a ratio is given against, when {@code --against} is not: the floor, then the peers. */
    static final List<String> DEFAULT_AGAINST = List.of("BareBucket", "ConcurrentHashMap", "ChronicleMap",
            "EhcacheOffHeap", "Caffeine");

    private RatioTable() {
    }

    /**
     * One line of the table: a benchmark and its parameters other than the subject, and each subject's
     * time per operation.
     *
     * @param benchmark {@code Class.method}
     * @param params the parameters but {@code subject}, as {@code a=1,b=2}
     * @param threads threads that ran it
     * @param nanos each subject's score in ns/op, in file order
     */
    record Line(String benchmark, String params, int threads, Map<String, Double> nanos) {
        /** @return {@code subject}'s time over {@code other}'s, NaN when either is missing */
        double ratio(String subject, String other) {
            Double a = nanos.get(subject);
            Double b = nanos.get(other);
            return a == null || b == null ? Double.NaN : a / b;
        }
    }

    /**
     * Groups the time-per-operation rows of a result file by benchmark, threads and parameters other than
     * {@code subject}.
     *
     * @throws IllegalArgumentException if a row is not in ns/op, naming it (the ratios would mean nothing)
     */
    static List<Line> lines(List<Row> rows) {
        Map<String, Line> lines = new LinkedHashMap<>();
        for (Row r : rows) {
            if (!r.lowerIsBetter() || !r.params().containsKey("subject")) {
                continue;
            }
            if (!r.primary().unit().equals("ns/op")) {
                throw new IllegalArgumentException(r.key() + " is in " + r.primary().unit()
                        + ", not ns/op: run JMH with -tu ns");
            }
            Map<String, String> others = new TreeMap<>(r.params());
            String subject = others.remove("subject");
            StringBuilder params = new StringBuilder();
            others.forEach((k, v) -> params.append(params.isEmpty() ? "" : ",").append(k).append('=').append(v));
            String key = r.benchmark() + " " + r.threads() + " " + params;
            lines.computeIfAbsent(key, k -> new Line(r.benchmark(), params.toString(), r.threads(),
                    new LinkedHashMap<>())).nanos().put(subject, r.primary().score());
        }
        return new ArrayList<>(lines.values());
    }

    /** Prints the table in Markdown: the subject's time, then per other subject its time and the ratio. */
    static void print(PrintStream out, List<Line> lines, String subject, List<String> against) {
        StringBuilder head = new StringBuilder("| benchmark | params | t | " + subject + " ns |");
        StringBuilder rule = new StringBuilder("|---|---|---|---:|");
        for (String other : against) {
            head.append(' ').append(other).append(" ns | ÷ ").append(other).append(" |");
            rule.append("---:|---:|");
        }
        out.println(head);
        out.println(rule);
        for (Line line : lines) {
            if (!line.nanos().containsKey(subject)) {
                continue;
            }
            StringBuilder row = new StringBuilder("| " + line.benchmark() + " | " + line.params() + " | "
                    + line.threads() + " | " + nanos(line.nanos().get(subject)) + " |");
            for (String other : against) {
                row.append(' ').append(nanos(line.nanos().get(other))).append(" | ")
                        .append(ratio(line.ratio(subject, other))).append(" |");
            }
            out.println(row);
        }
    }

    private static String nanos(Double ns) {
        return ns == null ? "–" : String.format(Locale.ROOT, "%.1f", ns);
    }

    private static String ratio(double r) {
        return Double.isNaN(r) ? "–" : String.format(Locale.ROOT, "%.2f", r);
    }

    /**
     * @param args a JMH JSON result file, then {@code --subject NAME} and {@code --against A,B,...}
     * @throws IOException if the file cannot be read
     */
    public static void main(String[] args) throws IOException {
        String file = null;
        String subject = "Hmap";
        List<String> against = DEFAULT_AGAINST;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--subject" -> subject = args[++i];
                case "--against" -> against = List.of(args[++i].split(","));
                default -> {
                    if (file != null) {
                        usage();
                        System.exit(64);
                    }
                    file = args[i];
                }
            }
        }
        if (file == null) {
            usage();
            System.exit(64);
        }
        print(System.out, lines(JmhResults.read(Path.of(file))), subject, against);
    }

    private static void usage() {
        System.err.println("usage: RatioTable results.json [--subject Hmap] [--against " + String.join(",",
                DEFAULT_AGAINST) + "]");
        System.err.println("  the subject's time per operation beside each other subject's, and their ratio, from"
                + " one JMH result file (-rf json)");
    }
}

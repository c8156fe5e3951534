package io.hmapstore.bench;

import io.hmapstore.bench.JmhResults.Row;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Renders ops/s per store per workload from a JMH result file ({@code -rf json}) into PNG bar charts, one
 * per combination of the other parameters (values, key distribution, size) and thread count, headless.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.hmapstore.bench.ResultsChart peers-1t.json charts/peers
 *   → charts/peers-LONG-uniform-1000000-t1.png, charts/peers-BYTES100-zipf-1000000-t1.png, ...
 * </pre>
 *
 * <p>Runs with a {@code subject} parameter are drawn (the peer suites); the bars of a chart are the
 * workloads (benchmark methods), one colour per subject, on a logarithmic axis because the subjects span
 * three orders of magnitude. Times per operation are turned into the store's throughput: {@code threads /
 * time per operation}. {@code SampleTime} runs are left out (their mean carries the timer's cost).
 */
public final class ResultsChart {

    private ResultsChart() {
    }

    /**
     * @param args {@code results.json out-prefix}
     * @throws IOException if the file cannot be read or a PNG written
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: ResultsChart results.json out-prefix   (writes out-prefix-<params>-t<threads>.png)");
            System.exit(64);
        }
        System.setProperty("java.awt.headless", "true");
        for (Path p : render(JmhResults.read(Path.of(args[0])), args[1])) {
            System.out.println(p);
        }
    }

    /**
     * @param rows JMH rows
     * @param prefix path prefix of the PNGs
     * @return the files written
     * @throws IOException if a PNG cannot be written
     */
    static List<Path> render(List<Row> rows, String prefix) throws IOException {
        // group → workload → subject → ops/s
        Map<String, Map<String, Map<String, Double>>> groups = new TreeMap<>();
        for (Row r : rows) {
            String subject = r.params().get("subject");
            if (subject == null || r.mode().equals("sample")) {
                continue;
            }
            Map<String, String> rest = new TreeMap<>(r.params());
            rest.remove("subject");
            // Put-new and remove draw keys not yet stored, uniform by construction, and so have no
            // dist parameter: chart them beside the uniform gets of the same size and values.
            rest.putIfAbsent("dist", KeyStreams.Dist.uniform.name());
            String group = String.join("-", rest.values()) + "-t" + r.threads();
            String workload = r.benchmark().substring(r.benchmark().indexOf('.') + 1);
            groups.computeIfAbsent(group, g -> new LinkedHashMap<>())
                    .computeIfAbsent(workload, w -> new LinkedHashMap<>())
                    .put(subject, opsPerSecond(r));
        }
        List<Path> written = new ArrayList<>();
        for (var g : groups.entrySet()) {
            CategoryChart chart = new CategoryChartBuilder().width(1400).height(700)
                    .title("ops/s per store, " + g.getKey().replace('-', ' ') + " (higher is better)")
                    .xAxisTitle("workload").yAxisTitle("ops/s (log)").build();
            chart.getStyler().setYAxisLogarithmic(true);
            chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
            chart.getStyler().setYAxisDecimalPattern("#,###");
            // Bars start from the axis minimum, which a logarithmic axis cannot put at 0: a power of ten below all.
            double min = g.getValue().values().stream().flatMap(m -> m.values().stream())
                    .mapToDouble(Double::doubleValue).filter(v -> v > 0).min().orElse(1);
            chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(min))));
            List<String> workloads = new ArrayList<>(g.getValue().keySet());
            Set<String> subjects = new LinkedHashSet<>();
            g.getValue().values().forEach(m -> subjects.addAll(m.keySet()));
            for (String s : subjects) {
                List<Double> ys = new ArrayList<>();
                for (String w : workloads) {
                    ys.add(g.getValue().get(w).getOrDefault(s, null));
                }
                chart.addSeries(s, workloads, ys);
            }
            Path out = Path.of(prefix + "-" + g.getKey() + ".png");
            Files.createDirectories(out.toAbsolutePath().getParent());
            // XChart 4 deprecates its saveBitmap(...) in favour of rendering to an image and writing it.
            if (!ImageIO.write(BitmapEncoder.getBufferedImage(chart), "png", out.toFile())) {
                throw new IOException("no PNG writer for " + out);
            }
            written.add(out);
        }
        return written;
    }

    /** @return the store's operations per second: for a time per operation, {@code threads / time} */
    static double opsPerSecond(Row r) {
        String unit = r.primary().unit();
        double score = r.primary().score();
        if (r.mode().equals("thrpt")) {
            return score / seconds(unit.substring(unit.indexOf('/') + 1));
        }
        return r.threads() / (score * seconds(unit.substring(0, unit.indexOf('/'))));
    }

    private static double seconds(String unit) {
        return switch (unit.toLowerCase(Locale.ROOT)) {
            case "ns" -> 1e-9;
            case "us" -> 1e-6;
            case "ms" -> 1e-3;
            case "s" -> 1;
            case "min" -> 60;
            default -> throw new IllegalArgumentException("unknown time unit " + unit);
        };
    }
}

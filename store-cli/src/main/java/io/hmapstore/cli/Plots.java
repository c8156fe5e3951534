package io.hmapstore.cli;

import io.hmapstore.cli.CellResult.Backing;
import io.hmapstore.memory.ReleasePolicy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.internal.chartpart.IChart;
import org.knowm.xchart.style.Styler.LegendPosition;

/**
 * The harness's PNG plots, drawn with XChart: RSS over time per policy for one workload, and p99
 * latency per policy (all operations, and the first touches after a release).
 *
 * <p>Rendering is headless: the property is set before the first AWT class loads, because a
 * machine without a display (CI, this one) otherwise fails in {@code GraphicsEnvironment}.
 */
final class Plots {

    /** The RSS-over-time plot's file name. */
    static final String RSS_OVER_TIME = "rss-over-time.png";
    /** The p99 latency bar chart's file name. */
    static final String LATENCY_P99 = "latency-p99.png";
    /** The after-release p99 latency bar chart's file name. */
    static final String AFTER_RELEASE_P99 = "latency-after-release-p99.png";
    /** The workload whose RSS is drawn over time: it shows growth, release and regrowth in every round. */
    static final Workload RSS_WORKLOAD = Workload.GROW_THEN_CLEAR;

    private static final double MIB = 1 << 20;
    private static final int WIDTH = 1000;
    private static final int HEIGHT = 560;

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Plots() {
    }

    /**
     * Writes the three plots into {@code directory} from the anonymous store cells without THP advice.
     *
     * @param directory where the PNGs go
     * @param cells     every cell of the run
     * @param sampler   the run's RSS sampler, for the readings inside each cell
     * @return the files written
     * @throws IOException if a file cannot be written
     */
    static List<Path> write(Path directory, List<CellResult> cells, RssSampler sampler) throws IOException {
        List<CellResult> plain = cells.stream()
                .filter(c -> c.backing() == Backing.STORE && !c.hugePages())
                .toList();
        List<Path> files = new ArrayList<>();
        files.add(save(rssOverTime(plain, sampler), directory.resolve(RSS_OVER_TIME)));
        files.add(save(latency(plain, "p99 latency per policy (anon store, THP off)", c -> c.latency().p99(), false),
                directory.resolve(LATENCY_P99)));
        files.add(save(latency(plain, "p99 latency of the first operations after a release (anon store, THP off)",
                c -> c.afterRelease().p99(), true), directory.resolve(AFTER_RELEASE_P99)));
        return files;
    }

    private static XYChart rssOverTime(List<CellResult> cells, RssSampler sampler) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Process RSS during " + RSS_WORKLOAD.label() + " (anon store, THP off), one line per policy")
                .xAxisTitle("ms since the workload started").yAxisTitle("RSS above its value at the start (MiB)")
                .build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeriesRenderStyle.Line);
        chart.getStyler().setMarkerSize(3);
        chart.getStyler().setLegendPosition(LegendPosition.OutsideE);
        for (CellResult c : cells) {
            if (c.workload() != RSS_WORKLOAD) {
                continue;
            }
            double[][] series = sampler.series(c.startNanos(), c.endNanos());
            // Above the cell's own start, so every line starts at 0 whatever the JVM held before;
            // the cell's readings at its ends are added, so a short cell still draws a line.
            int n = series[0].length;
            double[] millis = new double[n + 2];
            double[] mib = new double[n + 2];
            for (int i = 0; i < n; i++) {
                millis[i + 1] = series[0][i];
                mib[i + 1] = (series[1][i] - c.rssBefore()) / MIB;
            }
            millis[n + 1] = (c.endNanos() - c.startNanos()) / 1e6;
            mib[n + 1] = (c.rssAfter() - c.rssBefore()) / MIB;
            chart.addSeries(c.policy().name(), millis, mib);
        }
        return chart;
    }

    private static CategoryChart latency(List<CellResult> cells, String title, ToLongFunction<CellResult> nanos,
            boolean afterRelease) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("release policy").yAxisTitle("p99 (µs)").build();
        chart.getStyler().setLegendPosition(LegendPosition.OutsideE);
        chart.getStyler().setAvailableSpaceFill(0.8);
        List<String> policies = cells.stream().map(c -> c.policy().name()).distinct().toList();
        for (Workload w : Workload.values()) {
            List<CellResult> row = cells.stream().filter(c -> c.workload() == w).toList();
            // A workload with no release points (steady churn) has no after-release bar to draw.
            if (row.isEmpty() || (afterRelease && row.stream().allMatch(c -> c.afterRelease().count() == 0))) {
                continue;
            }
            List<Double> micros = new ArrayList<>();
            for (String p : policies) {
                micros.add(row.stream().filter(c -> c.policy() == ReleasePolicy.valueOf(p)).findFirst()
                        .map(c -> nanos.applyAsLong(c) / 1e3).orElse(0.0));
            }
            chart.addSeries(w.label(), policies, micros);
        }
        return chart;
    }

    private static Path save(IChart chart, Path file) throws IOException {
        // ImageIO rather than BitmapEncoder's stream variant, which XChart 4 deprecates.
        if (!ImageIO.write(BitmapEncoder.getBufferedImage(chart), "png", file.toFile())) {
            throw new IOException("no PNG writer in this JDK's ImageIO for " + file);
        }
        return file;
    }
}

package io.hmapstore.cli;

import io.hmapstore.cli.CellResult.Backing;
import io.hmapstore.memory.ReleasePolicy;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code hmapstore harness}: the memory-reuse matrix. Every workload × every release policy that
 * applies × transparent huge pages advised or not, each cell on a fresh anonymous store, a fresh
 * store persisted to a temporary file, and a file region; a table on the console, and CSV, JSON, PNG
 * plots and a Markdown report in the output directory.
 *
 * <p>The file-region rows churn a bare {@code MappedRegion.file} the way the store's allocator would,
 * so each policy's file semantics show apart from the store's own work.
 */
@Command(name = "harness",
        mixinStandardHelpOptions = true,
        header = "Runs the memory-reuse matrix: workloads x release policies x THP advice.",
        description = {
            "Runs each workload under each release policy, with and without THP advice, each on a fresh store. "
                    + "Measures RSS (before/peak/after), the store's resident bytes, page faults, time in release "
                    + "calls, throughput and latency percentiles (also of the first touches after a release), and "
                    + "the pollution of reused memory with and without the ZERO_ON_REUSE guard; forces FREE's lazy "
                    + "reclaim to show it.",
            "Writes harness.csv, harness.json, PNG plots and report.md to the output directory."})
final class HarnessCommand extends NativeCommand {

    @Option(names = "--out", paramLabel = "DIR",
            description = "Output directory, created if absent (default: a new hmapstore-out-<timestamp> "
                    + "folder in the working directory).")
    Path out;

    @Option(names = "--quick", description = "A small run (15000 entries per cell, 10-20 s) for smoke tests and CI.")
    boolean quick;

    @Option(names = "--entries", paramLabel = "N",
            description = "Entries per cell, overriding the default (200000) or --quick (15000).")
    Long entries;

    @Option(names = "--mass-delete", description = "Instead of the matrix: fill N entries (default 1000000, "
            + "--quick 50000), delete a random 95 %, compact(), and show RSS, resident bytes and file blocks per "
            + "release policy (mass-delete.md in the output directory).")
    boolean massDelete;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "${sys:java.io.tmpdir}",
            description = "Directory for the file regions' temporary files (default: ${DEFAULT-VALUE}).")
    Path fileDirectory;

    @Override
    int run(PrintWriter console) throws Exception {
        HarnessSizes sizes = sizes();
        Path directory = out != null ? out
                : Path.of("hmapstore-out-" + LocalDateTime.now().truncatedTo(ChronoUnit.SECONDS)
                        .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        if (!Files.isDirectory(fileDirectory)) {
            throw new ParameterException(spec.commandLine(), "--dir " + fileDirectory + " is not a directory");
        }
        Files.createDirectories(directory);
        if (massDelete) {
            long n = entries != null ? entries : quick ? 50_000 : 1_000_000;
            List<MassDelete.Row> rows = MassDelete.run(n, fileDirectory, console);
            console.println();
            MassDelete.print(rows, console, directory.resolve("mass-delete.md"));
            console.println(MachineInfo.describe() + "; load average " + loadAverage());
            return 0;
        }
        String startedAt = OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).toString();
        String loadAtStart = loadAverage();
        List<Cell> matrix = matrix();
        console.printf(Locale.ROOT, "hmapstore harness: %d cells, %d entries each (guard-off stores %d); output in %s%n",
                matrix.size(), sizes.entries(), sizes.guardOffEntries(), directory.toAbsolutePath());
        console.flush();

        long start = System.nanoTime();
        List<CellResult> results = new ArrayList<>();
        Map<String, double[][]> rssOverTime = new LinkedHashMap<>();
        List<Path> plots;
        try (RssSampler sampler = new RssSampler(sizes.sampleMillis())) {
            warmUp(sampler);
            CellRunner runner = new CellRunner(sizes, sampler, fileDirectory);
            for (int i = 0; i < matrix.size(); i++) {
                Cell cell = matrix.get(i);
                CellResult r = runner.run(cell.backing(), cell.workload(), cell.policy(), cell.hugePages());
                results.add(r);
                console.printf(Locale.ROOT, "[%3d/%d] %-11s %-15s %-10s thp %-3s  %6.0f kops/s  p99 %7.1f µs  "
                                + "RSS peak %6.1f MiB  (%.2f s, %.0f s so far)%n",
                        i + 1, matrix.size(), cell.backing().label(), cell.workload().label(), cell.policy(),
                        cell.hugePages() ? "on" : "off", r.opsPerSecond() / 1e3, r.latency().p99() / 1e3,
                        r.rssPeak() / (double) (1 << 20), r.seconds(), (System.nanoTime() - start) / 1e9);
                console.flush();
                if (r.backing() == Backing.STORE && !r.hugePages() && r.workload() == Plots.RSS_WORKLOAD) {
                    rssOverTime.put(r.policy().name(), sampler.series(r.startNanos(), r.endNanos()));
                }
            }
            plots = Plots.write(directory, results, sampler);
        }
        double elapsed = (System.nanoTime() - start) / 1e9;

        HarnessReport.Run run = new HarnessReport.Run(commandLine(), MachineInfo.describe(),
                MachineInfo.fileSystem(fileDirectory), sizes, startedAt, elapsed,
                "load average " + loadAtStart + " at the start, " + loadAverage() + " at the end, "
                        + Runtime.getRuntime().availableProcessors() + " CPUs");
        HarnessReport.writeCsv(directory.resolve(HarnessReport.CSV), results);
        HarnessReport.writeJson(directory.resolve(HarnessReport.JSON), run, results, rssOverTime);
        HarnessReport.writeMarkdown(directory.resolve(HarnessReport.MARKDOWN), run, results, plots);

        console.println();
        HarnessReport.printTables(console, results);
        console.println(run.machine() + "; " + run.load());
        console.printf(Locale.ROOT, "harness: %d cells in %.1f s; wrote %s, %s, %s and %d plots to %s%n", results.size(),
                elapsed, HarnessReport.MARKDOWN, HarnessReport.CSV, HarnessReport.JSON, plots.size(),
                directory.toAbsolutePath());
        return 0;
    }

    /** One cell of the matrix. */
    private record Cell(Backing backing, Workload workload, ReleasePolicy policy, boolean hugePages) {
    }

    /** Store rows first, then file rows; within each, workload by workload, policy by policy, THP off then on. */
    private static List<Cell> matrix() {
        List<Cell> cells = new ArrayList<>();
        for (Backing backing : Backing.values()) {
            for (Workload workload : Workload.values()) {
                for (ReleasePolicy policy : ReleasePolicy.values()) {
                    if (!policy.appliesTo(backing.fileBacked())) {
                        continue;
                    }
                    cells.add(new Cell(backing, workload, policy, false));
                    cells.add(new Cell(backing, workload, policy, true));
                }
            }
        }
        return cells;
    }

    private HarnessSizes sizes() {
        HarnessSizes base = quick ? HarnessSizes.quick() : HarnessSizes.standard();
        if (entries == null) {
            return base;
        }
        if (entries < HarnessSizes.MIN_ENTRIES || entries > HarnessSizes.MAX_ENTRIES) {
            throw new ParameterException(spec.commandLine(), "--entries " + entries + " is out of range ["
                    + HarnessSizes.MIN_ENTRIES + ", " + HarnessSizes.MAX_ENTRIES + "]");
        }
        return HarnessSizes.forEntries(entries);
    }

    /**
     * Every workload once on a small store and file region, results discarded: class loading, the
     * JIT's first compilations and the linker's downcall stubs would otherwise land in the first
     * cells' latencies.
     */
    private void warmUp(RssSampler sampler) throws Exception {
        CellRunner warm = new CellRunner(HarnessSizes.forEntries(HarnessSizes.MIN_ENTRIES), sampler, fileDirectory);
        for (Workload w : Workload.values()) {
            warm.run(Backing.STORE, w, ReleasePolicy.DONTNEED, false);
            warm.run(Backing.FILE_REGION, w, ReleasePolicy.DONTNEED, false);
        }
    }

    /** The one-minute load average, from {@code /proc/loadavg}; "unknown" where there is none. */
    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private String commandLine() {
        StringBuilder s = new StringBuilder("hmapstore harness");
        if (quick) {
            s.append(" --quick");
        }
        if (entries != null) {
            s.append(" --entries ").append(entries);
        }
        if (out != null) {
            s.append(" --out ").append(out);
        }
        return s.toString();
    }
}

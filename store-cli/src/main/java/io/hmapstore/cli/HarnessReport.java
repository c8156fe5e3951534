package io.hmapstore.cli;

import io.hmapstore.cli.CellResult.Column;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything a harness run leaves behind: the console table, {@value #CSV}, {@value #JSON} and
 * {@value #MARKDOWN}, which ties the table, the data files and the plots together and names the
 * machine. The CSV and JSON hold every {@link CellResult#COLUMNS column}; the tables a subset.
 */
final class HarnessReport {

    /** The CSV file's name: a header, then one row per cell. */
    static final String CSV = "harness.csv";
    /** The JSON file's name: the run, its cells, and the readings behind the RSS plot. */
    static final String JSON = "harness.json";
    /** The Markdown report's name. */
    static final String MARKDOWN = "report.md";

    private static final double MIB = 1 << 20;
    private static final ObjectMapper JSON_MAPPER = new ObjectMapper();

    /**
     * What a run was, for the report's header.
     *
     * @param command        the command line that ran it
     * @param machine        {@link MachineInfo#describe()}
     * @param fileSystem     where the file regions' temporary files were, and its file system
     * @param sizes          the sizes used
     * @param startedAt      when it started (ISO-8601)
     * @param elapsedSeconds how long the matrix and its plots took (writing the files excluded)
     * @param load           the machine's load average at the start and the end, and its CPUs:
     *                       other processes' load moves wall-clock throughput and tail latency
     */
    record Run(String command, String machine, String fileSystem, HarnessSizes sizes, String startedAt,
               double elapsedSeconds, String load) {
    }

    private HarnessReport() {
    }

    /** The summary columns of the console and Markdown tables. */
    private static final String[] HEADERS = {"backing", "workload", "policy", "thp", "kops/s", "p50 µs", "p99 µs",
        "p99.9 µs", "1st-touch p99 µs", "RSS MiB before", "peak", "after", "resident MiB before", "after",
        "minor faults", "release ms", "pollution", "pollution guard off"};

    private static String[] summary(CellResult c) {
        return new String[] {c.backing().label(), c.workload().label(), c.policy().name(), c.hugePages() ? "on" : "off",
            String.format(Locale.ROOT, "%.0f", c.opsPerSecond() / 1e3), micros(c.latency().p50()),
            micros(c.latency().p99()), micros(c.latency().p999()),
            c.afterRelease().count() == 0 ? "-" : micros(c.afterRelease().p99()), mib(c.rssBefore()),
            mib(c.rssPeak()), mib(c.rssAfter()), mib(c.residentBefore()), mib(c.residentAfter()),
            Long.toString(c.minorFaults()), String.format(Locale.ROOT, "%.1f", c.releaseNanos() / 1e6),
            Long.toString(c.pollutionGuarded()), guardOff(c.guardOff())};
    }

    /**
     * Prints the summary table and, if FREE ran on a store, the forced-reclaim table.
     *
     * @param out   where to print
     * @param cells every cell
     */
    static void printTables(PrintWriter out, List<CellResult> cells) {
        boolean[] right = new boolean[HEADERS.length];
        for (int i = 4; i < right.length; i++) {
            right[i] = true;
        }
        TextTable table = new TextTable(HEADERS, right);
        cells.forEach(c -> table.add(summary(c)));
        table.print(out);
        List<CellResult> free = freeCells(cells);
        if (!free.isEmpty()) {
            out.println();
            out.println("FREE's lazy reclaim, forced with MADV_PAGEOUT at the end of each FREE cell:");
            TextTable reclaim = new TextTable(RECLAIM_HEADERS,
                    new boolean[] {false, false, true, true, true, true, true, true});
            free.forEach(c -> reclaim.add(reclaimRow(c)));
            reclaim.print(out);
        }
    }

    private static final String[] RECLAIM_HEADERS = {"workload", "thp", "RSS MiB before", "after",
        "resident MiB before", "after", "guard-off pollution: refill before", "after"};

    private static String[] reclaimRow(CellResult c) {
        CellResult.Reclaim r = c.reclaim();
        return new String[] {c.workload().label(), c.hugePages() ? "on" : "off", mib(r.rssBefore()),
            mib(r.rssAfter()), mib(r.residentBefore()), mib(r.residentAfter()), guardOff(r.before()),
            guardOff(r.after())};
    }

    private static List<CellResult> freeCells(List<CellResult> cells) {
        return cells.stream().filter(c -> c.reclaim() != null).toList();
    }

    /**
     * Writes {@value #CSV}: the header, then one row per cell; an empty field means "does not apply".
     *
     * @param file  where
     * @param cells every cell
     * @throws IOException if it cannot be written
     */
    static void writeCsv(Path file, List<CellResult> cells) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add(String.join(",", CellResult.COLUMNS.stream().map(Column::name).toList()));
        for (CellResult c : cells) {
            lines.add(String.join(",", CellResult.COLUMNS.stream().map(col -> csv(col.value().apply(c))).toList()));
        }
        Files.write(file, lines);
    }

    private static String csv(Object value) {
        return switch (value) {
            case null -> "";
            case Double d -> String.format(Locale.ROOT, "%.3f", d);
            case Number n -> n.toString();
            default -> {
                String s = value.toString();
                yield s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
            }
        };
    }

    /**
     * Writes {@value #JSON}: the run, the column meanings, every cell, and the RSS readings the
     * RSS plot draws ({@code rssOverTime}: per policy, {@code [ms, bytes]} pairs).
     *
     * @param file        where
     * @param run         the run
     * @param cells       every cell
     * @param rssOverTime per policy, the readings drawn in {@link Plots#RSS_OVER_TIME}
     * @throws IOException if it cannot be written
     */
    static void writeJson(Path file, Run run, List<CellResult> cells, Map<String, double[][]> rssOverTime)
            throws IOException {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("tool", "hmapstore harness");
        json.put("command", run.command());
        json.put("machine", run.machine());
        json.put("fileRegions", run.fileSystem());
        json.put("startedAt", run.startedAt());
        json.set("elapsedSeconds", jsonValue(run.elapsedSeconds()));
        json.put("load", run.load());
        ObjectNode sizes = json.putObject("sizes");
        sizes.put("entries", run.sizes().entries());
        sizes.put("guardOffEntries", run.sizes().guardOffEntries());
        sizes.put("afterReleaseWindow", run.sizes().afterReleaseWindow());
        sizes.put("sampleMillis", run.sizes().sampleMillis());
        ObjectNode columns = json.putObject("columns");
        for (Column col : CellResult.COLUMNS) {
            columns.put(col.name(), col.meaning());
        }
        ArrayNode cellNodes = json.putArray("cells");
        for (CellResult c : cells) {
            ObjectNode cell = cellNodes.addObject();
            for (Column col : CellResult.COLUMNS) {
                cell.set(col.name(), jsonValue(col.value().apply(c)));
            }
        }
        ObjectNode rss = json.putObject("rssOverTime");
        rss.put("workload", Plots.RSS_WORKLOAD.label());
        ObjectNode series = rss.putObject("series");
        for (Map.Entry<String, double[][]> e : rssOverTime.entrySet()) {
            ArrayNode readings = series.putArray(e.getKey());
            double[][] s = e.getValue();
            for (int i = 0; i < s[0].length; i++) {
                readings.addArray().add(s[0][i]).add((long) s[1][i]);
            }
        }
        // "name": value, as JSON is usually written by hand (Jackson's default puts a space before the colon).
        DefaultPrettyPrinter pretty = new DefaultPrettyPrinter().withSeparators(
                Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER));
        Files.writeString(file, JSON_MAPPER.writer(pretty).writeValueAsString(json) + "\n");
    }

    /**
     * A cell's value as JSON: numbers, booleans and null as themselves (a double with no JSON form, NaN
     * or infinite, as null), anything else as its string.
     */
    private static JsonNode jsonValue(Object value) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        return switch (value) {
            case null -> nodes.nullNode();
            case Double d when d.isNaN() || d.isInfinite() -> nodes.nullNode();
            case Double d -> nodes.numberNode(d);
            case Long n -> nodes.numberNode(n);
            case Integer n -> nodes.numberNode(n);
            case Number n -> nodes.numberNode(n.doubleValue());
            case Boolean b -> nodes.booleanNode(b);
            default -> nodes.textNode(value.toString());
        };
    }

    /**
     * Writes {@value #MARKDOWN}: the machine and command, the plots, the table, FREE's forced
     * reclaim, what each figure means, and the names of the data files.
     *
     * @param file  where
     * @param run   the run
     * @param cells every cell
     * @param plots the PNG files, in the same directory
     * @throws IOException if it cannot be written
     */
    static void writeMarkdown(Path file, Run run, List<CellResult> cells, List<Path> plots) throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("# hmapstore memory-reuse harness\n\n");
        md.append("- ").append(run.machine()).append('\n');
        md.append("- command: `").append(run.command()).append("`, started ").append(run.startedAt())
                .append(String.format(Locale.ROOT, ", ran in %.1f s", run.elapsedSeconds())).append('\n');
        md.append("- ").append(run.sizes().entries()).append(" entries per cell (file regions: 64-byte records), ")
                .append("guard-off stores ").append(run.sizes().guardOffEntries()).append(" entries, first ")
                .append(run.sizes().afterReleaseWindow()).append(" operations after each release timed apart, RSS read every ")
                .append(run.sizes().sampleMillis()).append(" ms\n");
        md.append("- ").append(run.load()).append('\n');
        md.append("- file regions in ").append(run.fileSystem()).append('\n');
        md.append("- data: [`").append(CSV).append("`](").append(CSV).append(") (one row per cell, every column) and [`")
                .append(JSON).append("`](").append(JSON).append(") (the same, plus the column meanings and the RSS readings)\n\n");

        md.append("## Plots\n\n");
        for (Path p : plots) {
            String name = p.getFileName().toString();
            md.append("![").append(name).append("](").append(name).append(")\n\n");
        }

        md.append("## Every cell\n\n");
        md.append("Each cell is a fresh store with every guard on and `verifyReuse()`: `pollution` is the non-zero bytes it "
                + "was handed in reused memory and must be 0. `pollution guard off` is the same workload on a small store "
                + "with `withoutGuards(Guard.ZERO_ON_REUSE)`, and how else the hazard showed there.\n\n");
        markdownTable(md, HEADERS, cells.stream().map(HarnessReport::summary).toList());

        List<CellResult> free = freeCells(cells);
        if (!free.isEmpty()) {
            md.append("\n## FREE's lazy reclaim\n\n");
            md.append("`MADV_FREE` leaves the pages resident, holding their old bytes, until the kernel needs memory. "
                    + "At the end of each FREE cell the harness forces that reclaim with `MADV_PAGEOUT` over the store's "
                    + "whole region. On the guard-off store, a refill after `clear()` reuses old bytes without the forcing "
                    + "and zeros with it; what the refill of an unsized store (grow-shrink, resize-storm) still finds after "
                    + "forcing is reuse within the refill itself (free-listed overflow buckets, arrays retired as it grows), "
                    + "which no release policy reaches.\n\n");
            markdownTable(md, RECLAIM_HEADERS, free.stream().map(HarnessReport::reclaimRow).toList());
        }

        md.append("\n## How to read it\n\n");
        md.append("- **anon store** rows run an anonymous `OffHeapMap<Long, String>` (SINGLE_WRITER) through its "
                + "zero-allocation `MemorySegment` paths; **file store** rows run the same store persisted to a temporary "
                + "file (`persistTo`). **file region** rows churn a bare `MappedRegion.file` as the store's allocator "
                + "would (64-byte records in 64 KiB chunks, a chunk released when it empties, everything on clear), which "
                + "shows each policy's file semantics apart from the store's. PUNCH_HOLE applies to files only, FREE to "
                + "anonymous memory only.\n");
        if (!MachineInfo.noSwapNote().isEmpty()) {
            md.append("- ").append(MachineInfo.noSwapNote()).append('\n');
        }
        md.append("- Workloads: ");
        for (Workload w : Workload.values()) {
            md.append('`').append(w.label()).append("` ");
        }
        md.append("(see `Workload`'s javadoc). `1st-touch p99` is the p99 of the first operations after each clear "
                + "or run of removals: `-` where there are none (steady churn).\n");
        md.append("- RSS is the whole process's (the JVM's heap and code included), read every ")
                .append(run.sizes().sampleMillis())
                .append(" ms for the peak; `resident` is the store's own region by `mincore` (for a file region, its "
                        + "page-cache residency, which unmapping does not change). Faults are the process's, during the "
                        + "workload.\n");
        md.append("- Latencies include `verifyReuse()`'s scan of every reused block, and the zeroing ZERO_ON_REUSE does "
                + "for policies that do not guarantee zeros: that is where KEEP, FREE, PAGEOUT and COLD pay for reuse, "
                + "as DONTNEED and UNMAP pay in page faults and ZERO in its release call. Wall-clock throughput and tails "
                + "move with the machine's load (above); `cpu_seconds` in the CSV is the workload thread's CPU time.\n");
        md.append("\nColumns of the CSV and JSON:\n\n");
        for (Column col : CellResult.COLUMNS) {
            md.append("- `").append(col.name()).append("`: ").append(col.meaning()).append('\n');
        }
        Files.writeString(file, md.toString());
    }

    private static void markdownTable(StringBuilder md, String[] headers, List<String[]> rows) {
        md.append("| ").append(String.join(" | ", headers)).append(" |\n|");
        for (int i = 0; i < headers.length; i++) {
            md.append("---|");
        }
        md.append('\n');
        for (String[] row : rows) {
            md.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
    }

    private static String micros(long nanos) {
        return String.format(Locale.ROOT, "%.2f", nanos / 1e3);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / MIB);
    }

    /** Bytes, and how else the hazard showed unless it did not: {@code "173530 (corrupted)"}. */
    private static String guardOff(CellResult.GuardOff g) {
        return g.outcome().equals("ok") ? Long.toString(g.bytes()) : g.bytes() + " (" + g.outcome() + ")";
    }
}

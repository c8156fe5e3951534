package io.hmapstore.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hmapstore.memory.ReleasePolicy;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Runs {@code hmapstore harness --quick} once, in-process, into a temporary directory, and checks
 * what it leaves behind: the files, a CSV row per cell with sane numbers, the guard's pollution at
 * 0 and the hazard visible without it, and FREE's forced reclaim.
 */
class HarnessCommandTest {

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    @TempDir
    static Path out;

    private static Run run;
    private static List<Map<String, String>> rows;

    /** The command's exit code, standard output and standard error. */
    private record Run(int exitCode, String out, String err) {
    }

    private static Run execute(String... args) {
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        CommandLine command = new CommandLine(new Main());
        command.setOut(new PrintWriter(stdout, true));
        command.setErr(new PrintWriter(stderr, true));
        int exitCode = command.execute(args);
        return new Run(exitCode, stdout.toString(), stderr.toString());
    }

    @BeforeAll
    static void runQuickHarness() throws IOException {
        run = execute("harness", "--quick", "--out", out.toString(), "--dir", out.toString());
        assertEquals(0, run.exitCode(), run.err() + run.out());
        List<String> lines = Files.readAllLines(out.resolve(HarnessReport.CSV));
        String[] header = lines.get(0).split(",", -1);
        rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            assertEquals(header.length, cells.length, "fields in " + line);
            Map<String, String> row = new HashMap<>();
            for (int i = 0; i < header.length; i++) {
                row.put(header[i], cells[i]);
            }
            rows.add(row);
        }
    }

    private static long number(Map<String, String> row, String column) {
        String value = row.get(column);
        assertTrue(value != null && !value.isEmpty(), column + " is empty in " + row);
        return Long.parseLong(value);
    }

    private static List<Map<String, String>> rowsWhere(Predicate<Map<String, String>> filter) {
        return rows.stream().filter(filter).toList();
    }

    private static Predicate<Map<String, String>> is(String backing, String workload, String policy) {
        return r -> r.get("backing").equals(backing) && r.get("workload").equals(workload)
                && r.get("policy").equals(policy);
    }

    @Test
    void harness_outUnderARegularFile_saysWhyInWords_notWithAJavaClassName() throws IOException {
        Path file = Files.writeString(out.resolve("a-file"), "x");
        Run failed = execute("harness", "--quick", "--out", file.resolve("sub").toString());
        assertEquals(2, failed.exitCode());
        assertEquals("hmapstore harness: " + file.resolve("sub") + ": not a directory\n", failed.err());
    }

    @Test
    void harness_quick_writesReportCsvJsonAndPlots() throws IOException {
        for (String name : List.of(HarnessReport.CSV, HarnessReport.JSON, HarnessReport.MARKDOWN)) {
            assertTrue(Files.size(out.resolve(name)) > 0, name + " is missing or empty");
        }
        for (String png : List.of(Plots.RSS_OVER_TIME, Plots.LATENCY_P99, Plots.AFTER_RELEASE_P99)) {
            byte[] head = Arrays.copyOf(Files.readAllBytes(out.resolve(png)), PNG_SIGNATURE.length);
            assertArrayEquals(PNG_SIGNATURE, head, png + " is not a PNG");
        }
        String report = Files.readString(out.resolve(HarnessReport.MARKDOWN));
        assertAll(
                () -> assertTrue(report.contains("machine: Linux "), "report names the machine"),
                () -> assertTrue(report.contains("](" + HarnessReport.CSV + ")"), "report links the CSV"),
                () -> assertTrue(report.contains("](" + HarnessReport.JSON + ")"), "report links the JSON"),
                () -> assertTrue(report.contains("![" + Plots.RSS_OVER_TIME + "](" + Plots.RSS_OVER_TIME + ")"),
                        "report shows the RSS plot"),
                () -> assertTrue(report.contains("| anon store | grow-then-clear | FREE | off |"), "report has the table"),
                () -> assertTrue(report.contains("## FREE's lazy reclaim"), "report has the reclaim table"),
                () -> assertTrue(report.contains("**file store** rows run the same store persisted")
                        && !report.contains("not implemented"), "report says what the file-store rows are"),
                () -> assertEquals(MachineInfo.swap().equals("none"), report.contains("this machine has no swap, so the"
                        + " kernel has nowhere to page anonymous pages out to"), "PAGEOUT's rows explained without swap"));
        String json = Files.readString(out.resolve(HarnessReport.JSON));
        assertTrue(json.startsWith("{") && json.strip().endsWith("}"), "JSON is one object");
        long jsonCells = json.lines()
                .filter(l -> java.util.Arrays.stream(CellResult.Backing.values())
                        .anyMatch(b -> l.contains("\"backing\": \"" + b.label() + "\"")))
                .count();
        assertEquals(rows.size(), jsonCells, "a JSON cell per CSV row");
        com.fasterxml.jackson.databind.JsonNode tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        assertEquals(rows.size(), tree.get("cells").size(), "the JSON parses, a cell per CSV row");
        assertEquals(rows.get(0).get("policy"), tree.get("cells").get(0).get("policy").asText());
        assertTrue(json.contains("\"rssOverTime\""), "JSON holds the readings behind the RSS plot");
    }

    @Test
    void harness_quick_printsProgressTableAndWhereTheFilesAre() {
        int cells = rows.size();
        assertAll(
                () -> assertTrue(run.out().contains("[  1/" + cells + "] anon store"), "progress line for the first cell"),
                () -> assertTrue(run.out().contains("[" + cells + "/" + cells + "] file region"), "progress line for the last"),
                () -> assertTrue(run.out().contains("backing      workload"), "the summary table"),
                () -> assertTrue(run.out().contains("FREE's lazy reclaim"), "the reclaim table"),
                () -> assertTrue(run.out().contains("harness: " + cells + " cells in "), "the elapsed time"),
                () -> assertTrue(run.out().contains(out.toAbsolutePath().toString()), "the output directory"));
    }

    @Test
    void csv_hasARowPerCell_everyWorkloadPolicyAndThpSetting() {
        int expected = 0;
        for (CellResult.Backing backing : CellResult.Backing.values()) {
            for (ReleasePolicy p : ReleasePolicy.values()) {
                expected += p.appliesTo(backing.fileBacked()) ? Workload.values().length * 2 : 0;
            }
        }
        assertEquals(expected, rows.size());
        assertEquals(Workload.values().length * 2 * 2, rowsWhere(r -> r.get("policy").equals("PUNCH_HOLE")).size());
        assertTrue(rowsWhere(r -> r.get("policy").equals("PUNCH_HOLE")).stream()
                .allMatch(r -> !r.get("backing").equals("anon store")), "PUNCH_HOLE runs on files only");
        assertTrue(rowsWhere(r -> r.get("policy").equals("FREE")).stream()
                .allMatch(r -> r.get("backing").equals("anon store")), "FREE runs on anonymous memory only");
        assertEquals(rows.size() / 2, rowsWhere(r -> r.get("thp").equals("on")).size());
    }

    @Test
    void csv_everyCell_hasSaneNumbers() {
        for (Map<String, String> r : rows) {
            String cell = r.get("backing") + " " + r.get("workload") + " " + r.get("policy") + " thp " + r.get("thp");
            assertAll(cell,
                    () -> assertTrue(number(r, "ops") >= number(r, "entries"), "ops"),
                    () -> assertTrue(Double.parseDouble(r.get("ops_per_sec")) > 0, "throughput"),
                    () -> assertTrue(number(r, "p50_ns") > 0, "p50"),
                    () -> assertTrue(number(r, "p50_ns") <= number(r, "p99_ns"), "p50 <= p99"),
                    () -> assertTrue(number(r, "p99_ns") <= number(r, "p999_ns"), "p99 <= p99.9"),
                    () -> assertTrue(number(r, "p999_ns") <= number(r, "max_ns"), "p99.9 <= max"),
                    () -> assertTrue(number(r, "rss_peak_bytes") >= number(r, "rss_before_bytes"), "peak >= before"),
                    () -> assertTrue(number(r, "rss_peak_bytes") >= number(r, "rss_after_bytes"), "peak >= after"),
                    () -> assertTrue(number(r, "resident_after_bytes") >= 0, "resident"),
                    // A file region's pages can come in by fault-around or as a huge page (THP), so only the
                    // anonymous store is sure to count faults of its own.
                    () -> assertTrue(number(r, "minor_faults") > 0 || r.get("backing").equals("file region"),
                            "a fresh store faults its pages in"),
                    () -> assertEquals(0, number(r, "pollution_guarded_bytes"), "pollution with ZERO_ON_REUSE on"));
        }
    }

    @Test
    void csv_firstTouchesAfterRelease_areTimedWhereThereAreReleases() {
        for (Map<String, String> r : rows) {
            long afterRelease = number(r, "after_release_ops");
            if (r.get("workload").equals("steady-churn")) {
                assertEquals(0, afterRelease, "steady churn has no clear and no run of removals: " + r);
                assertEquals("", r.get("after_release_p99_ns"));
            } else {
                assertTrue(afterRelease > 0, "no first touches timed: " + r);
                assertTrue(number(r, "after_release_p50_ns") <= number(r, "after_release_p99_ns"), r.toString());
            }
        }
    }

    @Test
    void csv_releasingPolicies_spendTimeInReleaseCalls_keepSpendsNone() {
        for (Map<String, String> r : rowsWhere(r -> r.get("workload").equals("grow-then-clear"))) {
            if (r.get("policy").equals("KEEP")) {
                assertEquals(0, number(r, "released_bytes"), r.toString());
            } else {
                assertTrue(number(r, "released_bytes") > 0 && number(r, "release_ns") > 0, r.toString());
            }
        }
    }

    @Test
    void csv_dontneed_dropsTheStoresResidentBytesOnClear_keepDoesNot() {
        for (String thp : List.of("off", "on")) {
            Map<String, String> dontneed = rowsWhere(is("anon store", "grow-then-clear", "DONTNEED")
                    .and(r -> r.get("thp").equals(thp))).getFirst();
            Map<String, String> keep = rowsWhere(is("anon store", "grow-then-clear", "KEEP")
                    .and(r -> r.get("thp").equals(thp))).getFirst();
            // With THP advised, the huge page that holds the store's own headers stays resident (2 MiB):
            // the quick run's heap is small enough for that page to matter, so it is allowed for.
            long slack = thp.equals("on") ? 2L << 20 : 0;
            assertTrue(number(dontneed, "resident_after_bytes") - slack < number(keep, "resident_after_bytes") / 2,
                    "DONTNEED " + dontneed + "\nKEEP " + keep);
        }
    }

    @Test
    void csv_resizeStorm_resizesOnEverySwing() {
        for (Map<String, String> r : rowsWhere(r -> r.get("backing").equals("anon store")
                && r.get("workload").equals("resize-storm"))) {
            // Eight swings down and up: at least one halving and one doubling each.
            assertTrue(number(r, "resizes") >= 16, r.toString());
        }
    }

    @Test
    void csv_free_forcedReclaim_dropsResidentBytesAndThePollution() {
        List<Map<String, String>> free = rowsWhere(is("anon store", "grow-then-clear", "FREE"));
        assertEquals(2, free.size());
        for (Map<String, String> r : free) {
            assertAll(r.toString(),
                    // MADV_FREE keeps the cleared heap resident; MADV_PAGEOUT then discards it.
                    () -> assertTrue(number(r, "reclaim_resident_after_bytes")
                            < number(r, "reclaim_resident_before_bytes") / 2, "resident bytes drop"),
                    () -> assertTrue(number(r, "reclaim_pollution_before_bytes") > 0, "old bytes before forcing"),
                    // Mostly 0; a per-CPU batch of pages can escape one forcing (see CellRunner.forceReclaim),
                    // while the refill before forcing may stop early at a corruption: compare, not equal.
                    () -> assertTrue(number(r, "reclaim_pollution_after_bytes")
                            <= number(r, "reclaim_pollution_before_bytes") / 2, "mostly zeros after forcing"),
                    () -> assertEquals("ok", r.get("reclaim_after_outcome")));
        }
        assertTrue(rowsWhere(r -> !r.get("policy").equals("FREE")).stream()
                .allMatch(r -> r.get("reclaim_resident_before_bytes").isEmpty()), "reclaim is FREE's alone");
    }

    @Test
    void csv_guardOff_pollutionIsPositiveForKeep_andZeroWherePoliciesZeroWholeClears() {
        for (Map<String, String> r : rowsWhere(r -> r.get("policy").equals("KEEP"))) {
            assertTrue(number(r, "pollution_guard_off_bytes") > 0, "KEEP hands old bytes back: " + r);
        }
        for (String policy : List.of("ZERO", "DONTNEED", "UNMAP")) {
            Map<String, String> r = rowsWhere(is("anon store", "grow-then-clear", policy)).getFirst();
            assertEquals(0, number(r, "pollution_guard_off_bytes"), policy + " zeroes a cleared heap: " + r);
            assertEquals("ok", r.get("guard_off_outcome"));
        }
        Map<String, String> hole = rowsWhere(is("file region", "grow-then-clear", "PUNCH_HOLE")).getFirst();
        assertEquals(0, number(hole, "pollution_guard_off_bytes"), "a punched hole reads as zeros: " + hole);
        Map<String, String> fileDontneed = rowsWhere(is("file region", "grow-then-clear", "DONTNEED")).getFirst();
        assertTrue(number(fileDontneed, "pollution_guard_off_bytes") > 0,
                "DONTNEED on a shared file mapping refaults the file's bytes: " + fileDontneed);
    }

    @Test
    void harness_entriesOutOfRange_isAUsageError() {
        Run bad = execute("harness", "--entries", "10", "--out", out.resolve("bad").toString());
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("--entries 10 is out of range [1000, 20000000]"), bad.err());
        assertFalse(Files.exists(out.resolve("bad").resolve(HarnessReport.CSV)));
    }

    @Test
    void massDelete_showsEachPolicy_andCompactionGivingMemoryBack() throws Exception {
        Path dir = out.resolve("mass");
        Run run = execute("harness", "--mass-delete", "--entries", "100000", "--out", dir.toString());
        assertEquals(0, run.exitCode(), run.err());
        List<String> rows = Files.readAllLines(dir.resolve("mass-delete.md"));
        for (String policy : List.of("| anon | DONTNEED |", "| anon | KEEP |", "| file | PUNCH_HOLE |")) {
            assertTrue(rows.stream().anyMatch(r -> r.startsWith(policy)), policy + " in " + rows);
        }
        // The compacted store's resident bytes as a share of its peak: DONTNEED and PUNCH_HOLE give the
        // emptied slabs back, KEEP keeps them resident.
        assertTrue(share(rows, "| anon | DONTNEED |") < 25, rows.toString());
        assertTrue(share(rows, "| file | PUNCH_HOLE |") < 25, rows.toString());
        assertTrue(share(rows, "| anon | KEEP |") > 50, rows.toString());
    }

    private static double share(List<String> rows, String prefix) {
        String row = rows.stream().filter(r -> r.startsWith(prefix)).findFirst().orElseThrow();
        String[] cells = row.split("\\|");
        return Double.parseDouble(cells[5].trim().replace(" %", ""));
    }
}

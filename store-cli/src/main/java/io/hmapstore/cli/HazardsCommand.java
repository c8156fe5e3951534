package io.hmapstore.cli;

import io.hmapstore.cli.CorruptOffsetHazard.Target;
import io.hmapstore.cli.Hazard.Settings;
import io.hmapstore.cli.Hazard.Trial;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code hmapstore hazards}: every hazard of the Go map crash catalogue, each run on a fresh store
 * with its guard off (the hazard happens, and its symptom is measured) and then with it on (what the
 * guard did instead). One row per hazard; exit code 0 when every guard held, {@value #EXIT_GUARD_FAILED}
 * when one did not prevent its hazard.
 *
 * <p>A guard-off half that does not produce its hazard is reported as such, not hidden: for
 * {@code MADV_FREE} the kernel decides whether old bytes survive, and {@code --repeat} says how often
 * they did.
 */
@Command(name = "hazards",
        mixinStandardHelpOptions = true,
        description = {
            "Runs each hazard of the Go map crash catalogue twice, on a fresh store:",
            "with its guard off (the hazard happens; its symptom is measured), then on",
            "(what the guard did). One row per hazard, naming the test and the example",
            "that cover it. Exit code 0 when every guard held, 1 when one failed."})
final class HazardsCommand extends NativeCommand {

    /** The exit code when a guard failed to prevent its hazard. */
    static final int EXIT_GUARD_FAILED = 1;
    static final String MARKDOWN = "hazards.md";
    static final String JSON = "hazards.json";
    private static final int MAX_REPEAT = 1_000;

    @Option(names = "--only", paramLabel = "NAME",
            description = "Run only this hazard, or every hazard whose name starts with NAME- (e.g. reuse).")
    String only;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "1",
            description = "Run each half N times; a hazard that shows only sometimes reports how often "
                    + "(default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--out", paramLabel = "DIR", description = "Also write hazards.md and hazards.json to DIR.")
    Path out;

    @Option(names = "--quick", description = "Smaller workloads and shorter races (for CI).")
    boolean quick;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "${sys:java.io.tmpdir}",
            description = "Directory for the file stores' temporary files (default: ${DEFAULT-VALUE}).")
    Path fileDirectory;

    private final List<Hazard> catalogue;

    /** The command over the whole catalogue; picocli makes it. */
    HazardsCommand() {
        this(catalogue());
    }

    /** The command over the given hazards (tests use it to check the exit code of a guard that fails). */
    HazardsCommand(List<Hazard> catalogue) {
        this.catalogue = List.copyOf(catalogue);
    }

    /** @return every hazard, in the order of DESIGN.md's table */
    static List<Hazard> catalogue() {
        return Stream.of(
                Stream.<Hazard>of(new UnmadeMapHazard(), new StaleArrayHazard()),
                ReuseHazard.all().stream(),
                Stream.<Hazard>of(new ConcurrentWritesHazard(), new PausedReaderHazard(), new MovedEntryHazard(),
                        new CorruptOffsetHazard(Target.OVERFLOW_LINK), new CorruptOffsetHazard(Target.ENTRY_REFERENCE),
                        new KillNineHazard(), new WriteGuardHazard()))
                .flatMap(s -> s).toList();
    }

    @Override
    int run(PrintWriter console) throws Exception {
        List<Hazard> selected = select();
        if (repeat < 1 || repeat > MAX_REPEAT) {
            throw new ParameterException(spec.commandLine(), "--repeat " + repeat + " is out of range [1, " + MAX_REPEAT
                    + "]");
        }
        if (!Files.isDirectory(fileDirectory)) {
            throw new ParameterException(spec.commandLine(), "--dir " + fileDirectory + " is not a directory");
        }
        Settings settings = new Settings(quick, fileDirectory);
        String startedAt = OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).toString();
        console.printf(Locale.ROOT, "hmapstore hazards: %d hazard%s, each run %s with its guard off, then on, on a "
                + "fresh store%n%n", selected.size(), selected.size() == 1 ? "" : "s",
                repeat == 1 ? "once" : repeat + " times");
        console.flush();
        long start = System.nanoTime();
        List<HazardRow> rows = new ArrayList<>();
        for (int i = 0; i < selected.size(); i++) {
            Hazard h = selected.get(i);
            List<Trial> off = new ArrayList<>();
            List<Trial> on = new ArrayList<>();
            for (int r = 0; r < repeat; r++) {
                off.add(trial(h, false, settings));
                on.add(trial(h, true, settings));
            }
            HazardRow row = new HazardRow(h, off, on);
            rows.add(row);
            printRow(console, i + 1, selected.size(), row);
        }
        double seconds = (System.nanoTime() - start) / 1e9;

        HazardReport.Run run = new HazardReport.Run(commandLine(), startedAt, seconds, repeat, quick);
        console.println(HazardReport.summaryTable(rows));
        console.println(MachineInfo.describe());
        List<String> failed = rows.stream().filter(r -> !r.guardHeld()).map(r -> r.hazard().name()).toList();
        console.printf(Locale.ROOT, "hazards: %d of %d guards held%s (%.1f s)%n", rows.size() - failed.size(),
                rows.size(), failed.isEmpty() ? "" : "; FAILED: " + String.join(", ", failed), seconds);
        if (out != null) {
            Files.createDirectories(out);
            HazardReport.writeMarkdown(out.resolve(MARKDOWN), run, rows);
            HazardReport.writeJson(out.resolve(JSON), run, rows);
            console.println("wrote " + MARKDOWN + " and " + JSON + " to " + out.toAbsolutePath());
        }
        return failed.isEmpty() ? 0 : EXIT_GUARD_FAILED;
    }

    /**
     * One half of one hazard. A workload that throws where it did not mean to is reported, not
     * propagated: with the guard off it did not produce the hazard; with it on, it counts against
     * the guard, since nothing then shows that it held.
     */
    private static Trial trial(Hazard h, boolean guarded, Settings settings) {
        try {
            return h.run(guarded, settings);
        } catch (Exception | AssertionError e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return new Trial(guarded, "error: the workload threw " + e, Trial.figures("error", e.toString()));
        }
    }

    private List<Hazard> select() {
        if (only == null) {
            return catalogue;
        }
        List<Hazard> selected = catalogue.stream()
                .filter(h -> h.name().equals(only) || h.name().startsWith(only + "-")).toList();
        if (selected.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--only " + only + ": no such hazard; the hazards are "
                    + catalogue.stream().map(Hazard::name).collect(Collectors.joining(", ")));
        }
        return selected;
    }

    private static void printRow(PrintWriter console, int index, int total, HazardRow row) {
        Hazard.About h = row.hazard().about();
        console.printf(Locale.ROOT, "[%2d/%d] %s: %s%n", index, total, h.name(), h.title());
        console.println("        guard off: " + row.guardOffShown().summary() + "  [" + row.shownStatus() + "]");
        console.println("        guard on:  " + row.guardOnShown().summary() + "  [" + row.heldStatus() + "]");
        console.println("        covered by " + h.test() + "; example: " + h.example());
        console.println();
        console.flush();
    }

    private String commandLine() {
        StringBuilder s = new StringBuilder("hmapstore hazards");
        if (quick) {
            s.append(" --quick");
        }
        if (only != null) {
            s.append(" --only ").append(only);
        }
        if (repeat != 1) {
            s.append(" --repeat ").append(repeat);
        }
        if (out != null) {
            s.append(" --out ").append(out);
        }
        return s.toString();
    }
}

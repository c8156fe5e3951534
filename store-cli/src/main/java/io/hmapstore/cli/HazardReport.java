package io.hmapstore.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.hmapstore.cli.Hazard.Trial;
import io.hmapstore.memory.MappedRegion;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code hmapstore hazards} found, as a console summary, {@code hazards.md} (the table a
 * person keeps as evidence) and {@code hazards.json} (every trial's figures, for a program): both
 * name the machine, since what FREE, PAGEOUT and COLD leave behind is the kernel's doing.
 */
final class HazardReport {

    /**
     * How the run was made.
     *
     * @param commandLine the command as given
     * @param startedAt when it started (ISO-8601)
     * @param seconds how long it took
     * @param repeat trials per half
     * @param quick whether workloads were CI-sized
     */
    record Run(String commandLine, String startedAt, double seconds, int repeat, boolean quick) {
    }

    private HazardReport() {
    }

    /** @return one line per hazard: name, guard off, guard on */
    static String summaryTable(List<HazardRow> rows) {
        TextTable table = new TextTable(new String[] {"hazard", "guard off", "guard on", "test", "example"},
                new boolean[] {false, false, false, false, false});
        for (HazardRow r : rows) {
            Hazard.About h = r.hazard().about();
            table.add(h.name(), r.shownStatus(), r.heldStatus(), h.test(), h.example());
        }
        StringWriter s = new StringWriter();
        table.print(new PrintWriter(s));
        return s.toString();
    }

    /** Writes the Markdown report: the machine, then one table row per hazard with both halves in words. */
    static void writeMarkdown(Path file, Run run, List<HazardRow> rows) throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("# hmapstore hazards\n\n");
        md.append("`").append(run.commandLine()).append("`, started ").append(run.startedAt())
                .append(String.format(Locale.ROOT, ", %.1f s, each half run %d time%s%s.%n%n", run.seconds(),
                        run.repeat(), run.repeat() == 1 ? "" : "s", run.quick() ? " (quick workloads)" : ""));
        md.append(MachineInfo.describe()).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" CPUs\n\n");
        md.append("| hazard | with the guard off | shown | with the guard on | held | test | example |\n");
        md.append("|---|---|---|---|---|---|---|\n");
        for (HazardRow r : rows) {
            Hazard.About h = r.hazard().about();
            md.append("| ").append(cell(h.name() + ": " + h.title()))
                    .append(" | ").append(cell(r.guardOffShown().summary()))
                    .append(" | ").append(r.shownStatus())
                    .append(" | ").append(cell(r.guardOnShown().summary()))
                    .append(" | ").append(r.heldStatus())
                    .append(" | ").append(cell(h.test()))
                    .append(" | ").append(cell(h.example())).append(" |\n");
        }
        long failed = rows.stream().filter(r -> !r.guardHeld()).count();
        md.append('\n').append(failed == 0 ? "Every guard held." : failed + " guard(s) FAILED to prevent their hazard.")
                .append('\n');
        Files.writeString(file, md, StandardCharsets.UTF_8);
    }

    /** Writes every trial's figures, with the machine they ran on. */
    static void writeJson(Path file, Run run, List<HazardRow> rows) throws IOException {
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("description", MachineInfo.describe());
        machine.put("kernel", MachineInfo.kernel());
        machine.put("pageSize", MappedRegion.pageSize());
        machine.put("transparentHugePages", MachineInfo.transparentHugePages());
        machine.put("swap", MachineInfo.swap());
        machine.put("jdk", Runtime.version().toString());
        machine.put("jdkVendor", System.getProperty("java.vm.vendor"));
        machine.put("cpus", Runtime.getRuntime().availableProcessors());

        Map<String, Object> root = new LinkedHashMap<>();
        root.put("command", run.commandLine());
        root.put("startedAt", run.startedAt());
        root.put("seconds", run.seconds());
        root.put("repeat", run.repeat());
        root.put("quick", run.quick());
        root.put("machine", machine);
        root.put("allGuardsHeld", rows.stream().allMatch(HazardRow::guardHeld));
        root.put("hazards", rows.stream().map(HazardReport::json).toList());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), root);
    }

    private static Map<String, Object> json(HazardRow r) {
        Hazard.About h = r.hazard().about();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", h.name());
        row.put("title", h.title());
        row.put("test", h.test());
        row.put("example", h.example());
        row.put("kernelDependent", h.kernelDependent());
        row.put("guardOff", half(r.guardOff(), r.shown(), r.shownStatus(), r.guardOffShown()));
        row.put("guardOn", half(r.guardOn(), r.held(), r.heldStatus(), r.guardOnShown()));
        row.put("guardHeld", r.guardHeld());
        return row;
    }

    /** @param count trials that showed the hazard (guard off) or prevented it (guard on) */
    private static Map<String, Object> half(List<Trial> trials, long count, String status, Trial shown) {
        Map<String, Object> half = new LinkedHashMap<>();
        half.put("status", status);
        half.put("tries", trials.size());
        half.put("count", count);
        half.put("summary", shown.summary());
        half.put("trials", trials.stream().map(t -> {
            Map<String, Object> trial = new LinkedHashMap<>();
            trial.put("hazardShown", t.hazardShown());
            trial.put("summary", t.summary());
            trial.put("figures", t.figures());
            return trial;
        }).toList());
        return half;
    }

    /** A Markdown table cell: pipes escaped, line breaks flattened. */
    private static String cell(String text) {
        return text.replace("|", "\\|").replace('\n', ' ');
    }
}

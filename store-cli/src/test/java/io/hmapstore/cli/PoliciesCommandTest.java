package io.hmapstore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hmapstore.memory.ReleasePolicy;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs {@code hmapstore policies} in-process on real 64 MiB mappings and reads its table. */
class PoliciesCommandTest {

    @TempDir
    Path dir;

    /** The command's exit code, standard output and standard error. */
    private record Run(int exitCode, String out, String err) {
        List<String> lines() {
            return Arrays.asList(out.split("\n"));
        }

        /** The table row for a mapping kind and policy, split on runs of two or more spaces. */
        Optional<List<String>> row(String mapping, String policy) {
            return lines().stream()
                    .map(line -> Arrays.asList(line.trim().split("\\s{2,}")))
                    .filter(cells -> cells.size() >= 3 && cells.get(0).equals(mapping) && cells.get(1).equals(policy))
                    .findFirst();
        }
    }

    private static Run execute(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new Main());
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        int exitCode = command.execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    @Test
    void policies_anonymous_printsEveryPolicyWithWhatAReadReturns() {
        Run run = execute("policies", "--size-mib", "64");
        assertEquals(0, run.exitCode(), run.err());
        for (ReleasePolicy policy : ReleasePolicy.values()) {
            assertTrue(run.row("anon", policy.name()).isPresent(), "no row for " + policy + " in\n" + run.out());
        }
        assertEquals("zeros", run.row("anon", "DONTNEED").orElseThrow().get(2));
        assertEquals("old bytes", run.row("anon", "KEEP").orElseThrow().get(2));
        assertEquals("zeros", run.row("anon", "UNMAP").orElseThrow().get(2));
        assertEquals("n/a (needs a file)", run.row("anon", "PUNCH_HOLE").orElseThrow().get(2));
        // DONTNEED drops all 64 MiB of residency: columns are resident before, after.
        assertEquals(List.of("64.0", "0.0"), run.row("anon", "DONTNEED").orElseThrow().subList(3, 5));
        String last = run.lines().get(run.lines().size() - 1);
        assertTrue(last.startsWith("machine: Linux ") && last.contains("page ") && last.contains("JDK 25"), last);
        if (last.contains("swap none")) {
            assertEquals("old bytes", run.row("anon", "PAGEOUT").orElseThrow().get(2));
            assertTrue(run.out().contains("PAGEOUT and COLD on anonymous memory: this machine has no swap"), run.out());
        } else {
            assertTrue(!run.out().contains("has no swap"), run.out());
        }
    }

    @Test
    void policies_both_runsFileBackedRegionsToo() {
        Run run = execute("policies", "--size-mib", "64", "--both", "--dir", dir.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertEquals("zeros", run.row("file", "PUNCH_HOLE").orElseThrow().get(2));
        assertEquals("old bytes", run.row("file", "DONTNEED").orElseThrow().get(2));
        assertEquals("n/a (needs anonymous memory)", run.row("file", "FREE").orElseThrow().get(2));
        assertTrue(run.row("anon", "KEEP").isPresent());
    }

    @Test
    void policies_nativeCallFailure_printsTheCallAndExitsTwo() {
        Path missing = dir.resolve("no-such-dir");
        Run run = execute("policies", "--file", "--dir", missing.toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().startsWith("hmapstore policies: open(\"" + missing), run.err());
        assertTrue(run.err().contains("ENOENT (No such file or directory)"), run.err());
    }

    @Test
    void policies_sizeOutOfRange_isAUsageError() {
        Run run = execute("policies", "--size-mib", "0");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("--size-mib 0 is out of range [1, 1048576]"), run.err());
    }

    @Test
    void policies_fileAndBoth_areMutuallyExclusive() {
        Run run = execute("policies", "--file", "--both");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("mutually exclusive"), run.err());
    }

    @Test
    void main_withoutSubcommand_listsTheCommandsAndExitsTwo() {
        Run run = execute();
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("Missing required subcommand") && run.err().contains("policies"), run.err());
    }
}

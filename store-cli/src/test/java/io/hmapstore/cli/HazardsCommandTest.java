package io.hmapstore.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Runs {@code hmapstore hazards --quick} once, in-process, and checks both halves of every row from
 * the figures in {@code hazards.json}: with the guard off the symptom was observed (or, for the
 * kernel-dependent FREE rows only, honestly reported as not produced), and with it on the guard did
 * what it is for. Then the exit codes: 1 when a guard fails (a hazard whose "guarded" half runs
 * without its guard), 2 for a bad option.
 */
class HazardsCommandTest {

    @TempDir
    static Path out;

    private static Run run;
    private static JsonNode report;

    /** The command's exit code, standard output and standard error. */
    private record Run(int exitCode, String out, String err) {
    }

    private static Run execute(Object command, String... args) {
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        CommandLine line = new CommandLine(command);
        line.setOut(new PrintWriter(stdout, true));
        line.setErr(new PrintWriter(stderr, true));
        int exitCode = line.execute(args);
        return new Run(exitCode, stdout.toString(), stderr.toString());
    }

    @BeforeAll
    static void runQuickHazards() throws IOException {
        run = execute(new Main(), "hazards", "--quick", "--out", out.toString(), "--dir", out.toString());
        assertEquals(0, run.exitCode(), run.err() + run.out());
        report = new ObjectMapper().readTree(out.resolve(HazardsCommand.JSON).toFile());
    }

    private static JsonNode row(String name) {
        for (JsonNode r : report.get("hazards")) {
            if (r.get("name").asText().equals(name)) {
                return r;
            }
        }
        throw new AssertionError("no row " + name + " in " + HazardsCommand.JSON);
    }

    /** The figures of a half's first trial (the run is not repeated, so it is the only one). */
    private static JsonNode figures(String name, String half) {
        return row(name).get(half).get("trials").get(0).get("figures");
    }

    private static void bothHalves(String name, Consumer<JsonNode> guardOff, Consumer<JsonNode> guardOn) {
        JsonNode off = figures(name, "guardOff");
        JsonNode on = figures(name, "guardOn");
        assertAll(name,
                () -> guardOff.accept(off),
                () -> guardOn.accept(on));
    }

    @Test
    void everyHazardOfTheCatalogue_hasARow_namingItsTestAndExample() {
        List<String> names = new ArrayList<>();
        report.get("hazards").forEach(r -> names.add(r.get("name").asText()));
        assertEquals(HazardsCommand.catalogue().stream().map(Hazard::name).toList(), names);
        for (JsonNode r : report.get("hazards")) {
            assertFalse(r.get("test").asText().isBlank(), r.toString());
            assertFalse(r.get("example").asText().isBlank(), r.toString());
        }
        assertTrue(names.containsAll(List.of("unmade-map", "stale-view", "reuse-keep", "reuse-free",
                "reuse-free-reclaimed", "reuse-pageout", "reuse-cold", "reuse-file-dontneed", "reuse-file-unmap",
                "concurrent-writes", "paused-reader", "moved-entry", "corrupt-overflow-link", "corrupt-entry-reference", "kill-9",
                "write-guard")), names.toString());
    }

    @Test
    void everyRow_showsTheHazardWithTheGuardOff_orSaysHonestlyThatTheKernelDidNot() {
        for (JsonNode r : report.get("hazards")) {
            JsonNode off = r.get("guardOff");
            String name = r.get("name").asText();
            assertFalse(off.get("summary").asText().startsWith("error"), name + ": " + off);
            if (r.get("kernelDependent").asBoolean()) {
                assertTrue(name.startsWith("reuse-free"), "only FREE depends on the kernel: " + name);
                String status = off.get("status").asText();
                assertTrue(off.get("count").asLong() > 0 ? status.startsWith("shown") : status.startsWith("not produced"),
                        name + ": " + status);
            } else {
                assertEquals(1, off.get("count").asLong(), name + " did not show with its guard off: " + off);
                assertEquals("shown", off.get("status").asText(), name);
            }
        }
    }

    @Test
    void everyRow_isPreventedWithTheGuardOn() {
        for (JsonNode r : report.get("hazards")) {
            assertTrue(r.get("guardHeld").asBoolean(), r.toString());
            assertEquals("held", r.get("guardOn").get("status").asText(), r.toString());
        }
        assertTrue(report.get("allGuardsHeld").asBoolean());
        assertTrue(run.out().contains("hazards: " + report.get("hazards").size() + " of " + report.get("hazards").size()
                + " guards held"), run.out());
    }

    @Test
    void unmadeMap_writesOverTheHeaders_off_andIsMadeFirstOrRefused_on() {
        bothHalves("unmade-map", off -> {
            assertEquals(0, off.get("bucketArrayAfter").asLong(), "the segment was never made");
            assertTrue(off.get("bytesChangedThere").asLong() > 0, "the write landed at 0 + bucket * size");
        }, on -> {
            assertTrue(on.get("bucketArrayAfter").asLong() != 0, "made before the write");
            assertEquals(0, on.get("bytesChangedThere").asLong());
            assertTrue(on.get("countedButUnmade").asText().startsWith("IllegalStateException: segment"),
                    on.get("countedButUnmade").asText());
        });
    }

    @Test
    void staleView_readsForeignBytes_off_andThrowsStaleView_on() {
        bothHalves("stale-view", off -> {
            assertTrue(off.get("growths").asLong() > 0);
            assertTrue(off.get("viewRead").asLong() != off.get("viewKey").asLong() * 1000 + 1,
                    "the view read its own value: no reuse");
        }, on -> assertEquals(on.get("views").asLong(), on.get("staleViewExceptions").asLong(), on.toString()));
    }

    @Test
    void reuse_readsOldBytes_off_andZeros_on() {
        for (JsonNode r : report.get("hazards")) {
            String name = r.get("name").asText();
            if (!name.startsWith("reuse-")) {
                continue;
            }
            bothHalves(name, off -> {
                if (!r.get("kernelDependent").asBoolean()) {
                    assertTrue(off.get("reusedNonZeroBytes").asLong() > 0 || off.get("ghostKeys").asLong() > 0
                            || !off.get("corruption").isNull(), "no old bytes, ghost or corruption: " + off);
                }
            }, on -> {
                assertEquals(0, on.get("reusedNonZeroBytes").asLong(), "old bytes handed out with the guard on");
                assertEquals(0, on.get("ghostKeys").asLong());
                assertEquals(0, on.get("verifyProblems").asLong());
                assertTrue(on.get("corruption").isNull(), on.toString());
            });
        }
        // Forcing the lazy reclaim took the freed pages away, which is what makes that row differ from FREE's.
        JsonNode reclaimed = figures("reuse-free-reclaimed", "guardOff");
        assertTrue(reclaimed.get("residentAfterReclaimBytes").asLong() < reclaimed.get("residentAfterClearBytes").asLong(),
                reclaimed.toString());
    }

    @Test
    void concurrentWrites_tearOrLose_off_andThrowConcurrentWrite_on() {
        bothHalves("concurrent-writes", off -> assertTrue(off.get("lostWrites").asLong() > 0
                        || off.get("verifyProblems").asLong() != 0 || off.get("writerHung").asBoolean()
                        || !off.get("thrown").isNull(), off.toString()),
                on -> {
                    assertTrue(on.get("thrown").asText().startsWith("io.hmapstore.ConcurrentWriteException"),
                            on.toString());
                    assertEquals(0, on.get("lostWrites").asLong());
                    assertEquals(0, on.get("verifyProblems").asLong());
                });
    }

    @Test
    void pausedReader_seesAnotherEntry_off_andItsRetiredValue_on() {
        bothHalves("paused-reader", off -> assertTrue(off.get("pausedReaderSaw").asText().startsWith("NEW-VALUE"),
                off.toString()), on -> {
                    assertTrue(on.get("pausedReaderSaw").asText().startsWith("old-value"), on.toString());
                    assertTrue(on.get("getReturned").isNull(), "after its retry the reader sees the removal");
                });
    }

    @Test
    void movedEntry_readerSeesZeros_off_andTheOldCopy_on() {
        bothHalves("moved-entry", off -> assertTrue(off.get("pausedReaderSaw").asText().startsWith("...."),
                off.toString()), on -> {
                    assertTrue(on.get("pausedReaderSaw").asText().startsWith("live-value"), on.toString());
                    assertTrue(on.get("getReturned").asText().startsWith("live-value"), "the retry finds it moved");
                    assertTrue(on.get("bytesMoved").asLong() > 0, on.toString());
                });
    }

    @Test
    void corruptOffset_isFollowed_off_andRefusedNamed_on() {
        for (String name : List.of("corrupt-overflow-link", "corrupt-entry-reference")) {
            bothHalves(name, off -> assertTrue(!off.path("exception").asText().equals("CorruptedStoreException")
                    && (off.has("exception") || off.get("lookupReturned").asText().matches("666|FORGED")), off.toString()),
                    on -> {
                        assertEquals("CorruptedStoreException", on.get("exception").asText());
                        assertTrue(on.get("message").asText().contains(
                                "offset 0x" + Long.toHexString(on.get("damagedOffset").asLong())), on.toString());
                    });
        }
    }

    @Test
    void killNine_leavesTheFileDirty_off_andRecoveryKeepsEveryAcknowledgedPut_on() {
        bothHalves("kill-9", off -> {
            assertTrue(off.get("acknowledgedPuts").asLong() > 0, "the child wrote before it was killed");
            assertFalse(off.get("fileClean").asBoolean(), "killed mid-sequence, the file is dirty");
        }, on -> {
            assertTrue(on.get("acknowledgedPuts").asLong() > 0);
            assertTrue(on.get("recovered").asBoolean());
            assertEquals(0, on.get("missing").asLong());
            assertEquals(0, on.get("verifyProblems").asLong());
        });
    }

    @Test
    void writeGuard_storesANegativeBalance_off_andRefuses_on() {
        bothHalves("write-guard", off -> assertEquals(-50, off.get("balanceAfter").asLong()), on -> {
            assertEquals(100, on.get("balanceAfter").asLong());
            assertEquals("RejectedWriteException", on.get("exception").asText());
        });
    }

    @Test
    void markdown_namesTheMachine_andHasARowPerHazard() throws IOException {
        String md = Files.readString(out.resolve(HazardsCommand.MARKDOWN));
        assertTrue(md.contains("machine: Linux "), md);
        for (Hazard h : HazardsCommand.catalogue()) {
            assertTrue(md.contains("| " + h.name() + ": "), h.name());
        }
        assertTrue(md.contains("Every guard held."), md);
        JsonNode machine = report.get("machine");
        for (String field : List.of("kernel", "pageSize", "transparentHugePages", "swap", "jdk")) {
            assertFalse(machine.path(field).asText().isBlank(), field + " in " + machine);
        }
    }

    @Test
    void exitCode_isOne_whenAGuardFailsToPreventItsHazard() {
        // The guarded half runs without its guard: the command must judge it by what it measured.
        Hazard guard = new WriteGuardHazard();
        Hazard unguarded = new Hazard() {
            @Override
            public About about() {
                return guard.about();
            }

            @Override
            public Trial run(boolean guarded, Settings settings) throws Exception {
                return guard.run(false, settings);
            }
        };
        Run failed = execute(new HazardsCommand(List.of(unguarded)), "--out", out.resolve("failed").toString());
        assertEquals(HazardsCommand.EXIT_GUARD_FAILED, failed.exitCode(), failed.out() + failed.err());
        assertTrue(failed.out().contains("FAILED: write-guard"), failed.out());
        JsonNode json = readJson(out.resolve("failed").resolve(HazardsCommand.JSON));
        assertFalse(json.get("allGuardsHeld").asBoolean());
        assertEquals("FAILED 1 of 1", json.get("hazards").get(0).get("guardOn").get("status").asText());
    }

    @Test
    void onlyAndRepeat_selectAndRepeat_andBadValuesExitTwo() {
        Run two = execute(new Main(), "hazards", "--only", "write-guard", "--repeat", "2");
        assertEquals(0, two.exitCode(), two.err());
        assertTrue(two.out().contains("[ 1/1] write-guard"), two.out());
        assertTrue(two.out().contains("[shown 2 of 2]") && two.out().contains("[held 2 of 2]"), two.out());

        Run unknown = execute(new Main(), "hazards", "--only", "nil-map");
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().contains("--only nil-map: no such hazard; the hazards are unmade-map, stale-view"),
                unknown.err());
        Run zero = execute(new Main(), "hazards", "--repeat", "0");
        assertEquals(2, zero.exitCode());
        assertTrue(zero.err().contains("--repeat 0 is out of range [1, 1000]"), zero.err());
    }

    @Test
    void console_printsBothHalvesOfEveryRow() {
        long rows = StreamSupport.stream(report.get("hazards").spliterator(), false).count();
        assertEquals(rows, run.out().lines().filter(l -> l.strip().startsWith("guard off: ")).count(), run.out());
        assertEquals(rows, run.out().lines().filter(l -> l.strip().startsWith("guard on: ")).count(), run.out());
        assertTrue(run.out().contains("wrote hazards.md and hazards.json"), run.out());
    }

    private static JsonNode readJson(Path file) {
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}

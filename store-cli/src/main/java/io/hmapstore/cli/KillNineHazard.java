package io.hmapstore.cli;

import static io.hmapstore.cli.Hazard.Trial.figures;

import io.hmapstore.Codecs;
import io.hmapstore.OffHeapMap;
import io.hmapstore.StoreFileInfo;
import io.hmapstore.VerifyReport;
import io.hmapstore.inspect.StoreProbe;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@code kill -9} in the middle of a write sequence: a child JVM ({@link CrashWriter}, on this
 * JVM's java binary and class path) writes keys to a store file and reports each acknowledged
 * {@code put}; it is killed with SIGKILL mid-sequence. There is no switch for this guard — it is
 * the publication order of every write plus recovery on open — so the guard-off half shows the file
 * as the kill left it (dirty, a write perhaps under way), read without opening it, and the guard-on
 * half opens it: recovery runs, and every acknowledged write must be there and the store verify clean.
 */
final class KillNineHazard implements Hazard {
    private static final long START_SECONDS = 60;

    @Override
    public About about() {
        return new About("kill-9",
                "a kill -9 in the middle of a write sequence (child JVM killed, file reopened)",
                "CrashRecoveryTest, ClearCrashTest", "CrashRecoveryExample", false);
    }

    @Override
    public Trial run(boolean guarded, Settings settings) throws Exception {
        return settings.onStoreFile(file -> {
            long acknowledged = runAndKill(file, settings.childMillis());
            return guarded ? reopen(file, acknowledged) : asLeft(file, acknowledged);
        });
    }

    /** The file as the kill left it, read without opening it as a store (which would recover it). */
    private static Trial asLeft(Path file, long acknowledged) throws IOException {
        StoreFileInfo info = StoreFileInfo.read(file);
        String summary = "child killed by SIGKILL after " + acknowledged + " acknowledged puts; the file left "
                + (info.clean() ? "clean" : "dirty, to be recovered on open");
        var figures = figures("acknowledgedPuts", acknowledged, "fileClean", info.clean(), "segments", info.segments(),
                "fileBytes", info.fileBytes());
        return info.clean() ? Trial.prevented(summary, figures) : Trial.shown(summary, figures);
    }

    /** Opens the file (recovery runs) and checks every acknowledged write. */
    private static Trial reopen(Path file, long acknowledged) {
        try (OffHeapMap<Long, String> store = OffHeapMap.of(Codecs.longs(), Codecs.utf8()).persistTo(file).open()) {
            boolean recovered = StoreProbe.of(store).wasRecovered();
            long missing = 0;
            for (long key = 0; key < acknowledged; key++) {
                missing += CrashWriter.valueOf(key).equals(store.get(key)) ? 0 : 1;
            }
            String inFlight = store.get(acknowledged);
            String inFlightState = inFlight == null ? "absent" : inFlight.equals(CrashWriter.valueOf(acknowledged))
                    ? "present, whole" : "present, TORN: " + inFlight;
            VerifyReport report = store.verify();
            String summary = "recovery " + (recovered ? "ran" : "did NOT run") + " on open: " + (acknowledged - missing)
                    + " of " + acknowledged + " acknowledged puts present, the put in flight " + inFlightState
                    + ", " + store.size() + " entries, verify " + (report.isClean() ? "clean" : report.problems().size()
                            + " problems, first " + report.problems().get(0));
            var figures = figures("acknowledgedPuts", acknowledged, "recovered", recovered, "missing", missing,
                    "inFlight", inFlightState, "entries", store.size(), "verifyProblems", report.problems().size());
            boolean held = recovered && missing == 0 && report.isClean() && !inFlightState.startsWith("present, TORN");
            return held ? Trial.prevented(summary, figures) : Trial.shown(summary, figures);
        }
    }

    /**
     * Starts the child, lets it write for up to {@code millis} after it is ready, kills it with
     * SIGKILL and returns how many puts it acknowledged.
     */
    private static long runAndKill(Path file, long millis) throws Exception {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Process child = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xmx64m", "-cp",
                System.getProperty("java.class.path"), CrashWriter.class.getName(), file.toString()))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        AtomicLong acknowledged = new AtomicLong();
        CountDownLatch ready = new CountDownLatch(1);
        Thread reader = Thread.ofPlatform().daemon().name("hazard-child-reader").start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.equals(CrashWriter.READY)) {
                        ready.countDown();
                    } else {
                        acknowledged.set(Long.parseLong(line) + 1);
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // The pipe breaks, or a line is cut, when the child dies: that is the point.
            }
        });
        try {
            if (!ready.await(START_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the child JVM (" + java + ") did not open its store in "
                        + START_SECONDS + " s" + (child.isAlive() ? "" : "; it exited with " + child.exitValue()));
            }
            // A moment inside the write sequence that differs from run to run, so --repeat kills at many points.
            Thread.sleep(millis / 2 + ThreadLocalRandom.current().nextLong(millis / 2 + 1));
        } finally {
            // SIGKILL through the handle: Process.destroyForcibly() would also close our end of the pipe,
            // dropping acknowledgements the child wrote before it died.
            child.toHandle().destroyForcibly();
        }
        if (!child.waitFor(START_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the killed child JVM did not exit in " + START_SECONDS + " s");
        }
        reader.join(TimeUnit.SECONDS.toMillis(START_SECONDS));
        if (child.exitValue() != 137) {
            throw new IllegalStateException("the child JVM exited with " + child.exitValue() + ", not 137 (SIGKILL)");
        }
        return acknowledged.get();
    }
}

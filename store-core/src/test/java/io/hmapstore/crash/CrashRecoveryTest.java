package io.hmapstore.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hmapstore.Codecs;
import io.hmapstore.Concurrency;
import io.hmapstore.OffHeapMap;
import io.hmapstore.VerifyReport;
import io.hmapstore.store.TableStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a writing child JVM with SIGKILL at random moments and checks that the reopened store holds
 * every operation the child reported as returned, and verifies clean. {@code -Dcrash.kills=1000} for
 * the long run (about 15 minutes here); CI runs {@value #DEFAULT_KILLS}. The second test's child calls
 * {@code compact()} every {@value #COMPACT_EVERY} operations, and each kill waits for one to start, so
 * about half the kills land inside a compaction
 * (moves half done: an entry in its old and new block, the slot naming one; slabs half given back);
 * {@code -Dcrash.compactionKills=1000} for its long run.
 */
class CrashRecoveryTest {
    private static final int DEFAULT_KILLS = 30;
    private static final int COMPACT_EVERY = 300;

    @Test
    void killedWriter_losesNoReturnedOperation_andRecoversClean(@TempDir Path dir) throws Exception {
        killAndCheck(dir, Integer.getInteger("crash.kills", DEFAULT_KILLS), 0);
    }

    @Test
    void writerKilledMidCompaction_losesNoReturnedOperation_andRecoversClean(@TempDir Path dir) throws Exception {
        int kills = Integer.getInteger("crash.compactionKills", DEFAULT_KILLS);
        int midCompaction = killAndCheck(dir, kills, COMPACT_EVERY);
        System.out.println(midCompaction + " of " + kills + " kills landed inside compact()");
        assertTrue(midCompaction >= kills / 10, midCompaction + " of " + kills + " kills landed inside compact()");
    }

    /** @return how many kills landed inside {@code compact()} */
    private static int killAndCheck(Path dir, int kills, int compactEvery) throws Exception {
        Path file = dir.resolve("crash.hmap");
        int midCompaction = 0;
        Map<Long, String> model = new HashMap<>();
        SplittableRandom random = new SplittableRandom(20261129);
        int recovered = 0;
        long applied = 0;
        for (int round = 0; round < kills; round++) {
            long seed = random.nextLong();
            Concurrency mode = mode(round);
            long[] run = runAndKill(file, seed, mode, 30 + random.nextInt(400), compactEvery);
            long reported = run[0];
            midCompaction += (int) run[1];

            CrashOps ops = new CrashOps(seed);
            for (long i = 0; i < reported; i++) {
                ops.next();
                apply(model, ops);
            }
            applied += reported;
            ops.next();
            long inFlightKey = ops.key();
            Map<Long, String> ifApplied = new HashMap<>(model);
            apply(ifApplied, ops);

            try (TableStore<Long, String> store = (TableStore<Long, String>) OffHeapMap.of(Codecs.longs(),
                    Codecs.utf8()).persistTo(file).open()) {
                recovered += store.wasRecovered() ? 1 : 0;
                VerifyReport report = store.verify();
                assertTrue(report.isClean(), "round " + round + ": " + report.problems());
                Map<Long, String> actual = new HashMap<>(store);
                assertEquals(actual.size(), store.size(), "round " + round + ": size vs iteration");
                String inFlight = actual.get(inFlightKey);
                assertTrue(Objects.equals(inFlight, model.get(inFlightKey))
                        || Objects.equals(inFlight, ifApplied.get(inFlightKey)),
                        "round " + round + ": the operation in flight either happened or did not");
                model.put(inFlightKey, inFlight);
                model.values().removeIf(Objects::isNull);
                assertEquals(Map.of(), difference(model, actual), "round " + round + " (" + mode(round) + ") after "
                        + reported + " reported operations: key -> [expected, found]");
            }
        }
        assertEquals(kills, recovered, "every kill left a dirty file that was recovered");
        assertTrue(applied > kills * 10L, "the children did real work: " + applied + " operations");
        return midCompaction;
    }

    private static Concurrency mode(int round) {
        return round % 2 == 0 ? Concurrency.SINGLE_WRITER : Concurrency.CONCURRENT;
    }

    private static Map<Long, List<String>> difference(Map<Long, String> expected, Map<Long, String> actual) {
        Map<Long, List<String>> diff = new java.util.TreeMap<>();
        java.util.Set<Long> keys = new java.util.HashSet<>(expected.keySet());
        keys.addAll(actual.keySet());
        for (Long k : keys) {
            if (!Objects.equals(expected.get(k), actual.get(k))) {
                diff.put(k, java.util.Arrays.asList(expected.get(k), actual.get(k)));
            }
        }
        return diff;
    }

    private static void apply(Map<Long, String> model, CrashOps ops) {
        if (ops.isPut()) {
            model.put(ops.key(), ops.value());
        } else {
            model.remove(ops.key());
        }
    }

    /**
     * Starts the child, lets it write for {@code millis} after it is ready, kills it.
     *
     * @return {ops reported, 1 if the kill landed inside compact() else 0}
     */
    private static long[] runAndKill(Path file, long seed, Concurrency mode, int millis, int compactEvery)
            throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), CrashChild.class.getName(), file.toString(), Long.toString(seed),
                mode.name(), Integer.toString(compactEvery))).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        AtomicLong reported = new AtomicLong();
        java.util.concurrent.atomic.AtomicBoolean compacting = new java.util.concurrent.atomic.AtomicBoolean();
        Object ready = new Object();
        boolean[] isReady = {false};
        Thread reader = Thread.ofPlatform().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.equals("READY")) {
                        synchronized (ready) {
                            isReady[0] = true;
                            ready.notifyAll();
                        }
                    } else if (line.equals("COMPACTING") || line.equals("COMPACTED")) {
                        compacting.set(line.equals("COMPACTING"));
                    } else {
                        reported.set(Long.parseLong(line) + 1);
                    }
                }
            } catch (Exception e) {
                // The pipe breaks when the child dies: that is the point.
            }
        });
        synchronized (ready) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!isReady[0] && System.nanoTime() < deadline && child.isAlive()) {
                ready.wait(100);
            }
        }
        assertTrue(isReady[0], "child started");
        Thread.sleep(millis);
        if (compactEvery > 0) {
            // Aim the kill at a compaction: a random moment lands in one too seldom to count on (2 to 11
            // of 30 in runs here, as the machine's load varied).
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!compacting.get() && System.nanoTime() < deadline && child.isAlive()) {
                Thread.onSpinWait();
            }
        }
        // SIGKILL through the handle: Process.destroyForcibly() would also close our end of the
        // pipe, dropping reports the child made before it died.
        child.toHandle().destroyForcibly();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        reader.join(TimeUnit.SECONDS.toMillis(30));
        assertEquals(137, child.exitValue(), "killed by SIGKILL");
        return new long[] {reported.get(), compacting.get() ? 1 : 0};
    }
}

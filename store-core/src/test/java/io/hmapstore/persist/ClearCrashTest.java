package io.hmapstore.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hmapstore.Codecs;
import io.hmapstore.OffHeapMap;
import io.hmapstore.VerifyReport;
import io.hmapstore.store.TableStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILLs a child that fills, empties and clears a PUNCH_HOLE store in a loop, so kills land while
 * heap memory is given back — in {@code clear()} (which the general crash test,
 * {@code CrashRecoveryTest}, never calls) and in freeing old bucket arrays as the table shrinks. Each
 * time the file must reopen, recover and verify clean, every key it holds with its whole value.
 * Before the heap's top was recorded ahead of punching the heap (and a fresh block's header ahead of
 * the top), a kill between the two left a file whose recorded heap read as zeros: unopenable.
 */
class ClearCrashTest {
    private static final int KILLS = Integer.getInteger("clearCrash.kills", 12);

    @TempDir
    Path dir;

    @Test
    void killedDuringClear_reopensRecoveredAndClean() throws Exception {
        Path file = dir.resolve("clear.hmap");
        SplittableRandom random = new SplittableRandom(5);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (int round = 0; round < KILLS; round++) {
            Process child = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                    System.getProperty("java.class.path"), ClearCrashChild.class.getName(), file.toString()))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                assertEquals("READY", out.readLine(), "round " + round + ": the child opened the store");
                Thread.sleep(100 + random.nextInt(400));
                child.toHandle().destroyForcibly();
                assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            }
            try (TableStore<Long, String> store = (TableStore<Long, String>) OffHeapMap.of(Codecs.longs(), Codecs.utf8())
                    .persistTo(file).reserveBytes(1L << 30).open()) {
                assertTrue(store.wasRecovered(), "round " + round + ": a killed writer leaves a dirty file");
                VerifyReport report = store.verify();
                assertTrue(report.isClean(), "round " + round + ": " + report.problems());
                String value = "v".repeat(1500);
                for (java.util.Map.Entry<Long, String> e : store.entrySet()) {
                    assertEquals(value, e.getValue(), "round " + round + ": key " + e.getKey());
                }
                assertEquals(store.size(), store.entrySet().stream().count());
            }
        }
    }
}

package io.hmapstore.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hmapstore.bench.HitRatioComparison.Result;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hit-ratio comparison, run small: its streams, its policies and its table. */
class HitRatioComparisonTest {

    private static List<Result> results;

    @BeforeAll
    static void runQuick() {
        results = HitRatioComparison.run(HitRatioComparison.Config.QUICK,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    private static Result result(String stream, String policyPrefix) {
        return results.stream().filter(r -> r.stream().equals(stream) && r.policy().startsWith(policyPrefix))
                .findFirst().orElseThrow(() -> new AssertionError("no " + stream + " / " + policyPrefix + " in " + results));
    }

    @Test
    void run_coversEveryStreamTimesEveryPolicy_withinTheirBounds() {
        assertEquals(5 * HitRatioComparison.POLICIES.size(), results.size());
        for (Result r : results) {
            assertTrue(r.hitRatio() >= 0 && r.hitRatio() <= 1, r::toString);
            assertTrue(r.maxSize() <= r.capacity(), () -> "held more entries than its capacity: " + r);
            assertTrue(r.maxSize() >= r.capacity() * 9 / 10, () -> "never came near its capacity: " + r);
        }
    }

    @Test
    void hmapstore_countsTheSameHits_asTheReplay() {
        for (Result r : results) {
            if (r.policy().startsWith("hmapstore")) {
                assertEquals(r.hitRatio(), r.reportedHitRatio(), 1e-12, r::toString);
            }
        }
    }

    @Test
    void loopLargerThanTheCache_defeatsLruAndClock_butNotFrequencyAwarePolicies() {
        assertEquals(0, result("loop 1.5c", "LRU").hits());
        assertEquals(0, result("loop 1.5c", "CLOCK").hits());
        assertTrue(result("loop 1.5c", "Caffeine").hitRatio() > 0.3, () -> result("loop 1.5c", "Caffeine").toString());
    }

    @Test
    void moreSkew_givesMoreHits_forEveryPolicy() {
        for (String policy : HitRatioComparison.POLICIES.keySet()) {
            double low = result("zipf 0.7", policy).hitRatio();
            double mid = result("zipf 0.9", policy).hitRatio();
            double high = result("zipf 0.99", policy).hitRatio();
            assertTrue(low < mid && mid < high, policy + ": " + low + " " + mid + " " + high);
        }
    }

    @Test
    void scans_hurtLruMoreThanWTinyLfu() {
        assertTrue(result("zipf 0.9 + scans", "Caffeine").hitRatio() > result("zipf 0.9 + scans", "LRU").hitRatio(),
                results::toString);
    }

    @Test
    void main_writesTheMarkdownTable(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("table.md");
        HitRatioComparison.main(new String[] {"--quick", "--requests", "20000", "--out", out.toString()});
        String table = Files.readString(out);
        assertTrue(table.startsWith("Hit ratio, 20,000 requests per stream"), table);
        assertTrue(table.contains("| stream | capacity | keys | hmapstore (S3-FIFO) | Caffeine (W-TinyLFU) | LRU | CLOCK |"),
                table);
        for (String stream : new String[] {"zipf 0.7", "zipf 0.9", "zipf 0.99", "zipf 0.9 + scans", "loop 1.5c"}) {
            assertTrue(table.lines().anyMatch(l -> l.startsWith("| " + stream + " | 500 |")
                    && l.matches(".*(\\| \\**\\d+\\.\\d\\d%\\** ){4}\\|")), () -> stream + " row missing in\n" + table);
        }
    }

    @Test
    void zipf_ranksFollowTheirSkew() {
        double theta = 0.9;
        HitRatioComparison.Zipf zipf = new HitRatioComparison.Zipf(10_000, theta, 1);
        int[] counts = new int[10_000];
        for (int i = 0; i < 2_000_000; i++) {
            counts[(int) zipf.next()]++;
        }
        // P(rank r) is proportional to 1 / (r + 1)^theta
        assertEquals(Math.pow(2, theta), (double) counts[0] / counts[1], 0.05);
        assertEquals(Math.pow(10, theta), (double) counts[0] / counts[9], 0.3);
    }

    /** CLOCK written the obvious way, with a HashMap, as the model for {@link ClockCache}'s open addressing. */
    private static final class ModelClock {
        final long[] frames;
        final boolean[] referenced;
        final Map<Long, Integer> index = new HashMap<>();
        int used;
        int hand;

        ModelClock(int capacity) {
            frames = new long[capacity];
            referenced = new boolean[capacity];
        }

        boolean access(long key) {
            Integer f = index.get(key);
            if (f != null) {
                referenced[f] = true;
                return true;
            }
            int frame;
            if (used < frames.length) {
                frame = used++;
            } else {
                while (referenced[hand]) {
                    referenced[hand] = false;
                    hand = (hand + 1) % frames.length;
                }
                frame = hand;
                hand = (hand + 1) % frames.length;
                index.remove(frames[frame]);
            }
            frames[frame] = key;
            referenced[frame] = false;
            index.put(key, frame);
            return false;
        }
    }

    @Test
    void clockCache_hitsExactlyAsTheModel_overRandomStreams() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int round = 0; round < 200; round++) {
            int capacity = 1 + rnd.nextInt(64);
            int keys = capacity + rnd.nextInt(4 * capacity);
            ClockCache clock = new ClockCache(capacity);
            ModelClock model = new ModelClock(capacity);
            for (int i = 0; i < 5_000; i++) {
                // small keys collide in the table, so probe runs form and deletions must shift them back
                long key = rnd.nextBoolean() ? rnd.nextInt(keys) : rnd.nextInt(keys) * 1024L;
                assertEquals(model.access(key), clock.access(key), "capacity " + capacity + ", request " + i);
            }
            assertEquals(model.index.size(), clock.size());
        }
    }
}

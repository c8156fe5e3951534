package io.hmapstore.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Runs the caching service's load run tiny and checks that each cache's figures are printed and sane. */
class CachingHttpServiceExampleTest {

    private static final Pattern FIGURES = Pattern.compile("requests (\\d+), hit ratio (\\d+\\.\\d)%, "
            + "p50 (\\d+\\.\\d{3}) ms, p99 (\\d+\\.\\d{3}) ms, GC (\\d+) collections (\\d+) ms, entries (\\d+)");

    @Test
    void loadRun_printsHitRatioLatencyAndGc_forHmapstoreThenConcurrentHashMap() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            CachingHttpServiceExample.main(new String[] {"--requests", "400", "--threads", "2", "--keys", "2000",
                "--bound", "100"});
        } finally {
            System.setOut(original);
        }
        String out = buffer.toString(StandardCharsets.UTF_8);
        original.print(out);

        int hmap = out.indexOf("== hmapstore OffHeapMap (maxEntries 100, expireAfterWrite 10m)");
        int chm = out.indexOf("== ConcurrentHashMap (bounded at 100");
        assertTrue(hmap >= 0 && chm > hmap, () -> "both caches, hmapstore first, in:\n" + out);

        List<MatchResult> figures = FIGURES.matcher(out).results().toList();
        assertEquals(2, figures.size(), out);
        for (MatchResult f : figures) {
            assertEquals(400, Long.parseLong(f.group(1)), "every request answered and timed");
            double hitRatio = Double.parseDouble(f.group(2));
            // zipf 0.99 over 2,000 ids with 100 cached: popular ids repeat, yet most of the tail misses
            assertTrue(hitRatio > 5 && hitRatio < 95, "hit ratio " + hitRatio);
            double p50 = Double.parseDouble(f.group(3));
            double p99 = Double.parseDouble(f.group(4));
            assertTrue(p50 > 0 && p50 <= p99 && p99 < 10_000, "p50 " + p50 + ", p99 " + p99);
            assertTrue(Long.parseLong(f.group(5)) >= 0 && Long.parseLong(f.group(6)) >= 0);
            long entries = Long.parseLong(f.group(7));
            assertTrue(entries > 0 && entries <= 100, "entries within the bound: " + entries);
        }
    }
}

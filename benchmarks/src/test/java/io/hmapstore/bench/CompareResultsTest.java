package io.hmapstore.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hmapstore.bench.CompareResults.Change;
import io.hmapstore.bench.CompareResults.Verdict;
import io.hmapstore.bench.JmhResults.Row;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Two synthetic JMH result files, and the verdicts {@link CompareResults} must reach on them. */
class CompareResultsTest {

    private static List<Row> rows(String name) throws IOException, URISyntaxException {
        return JmhResults.read(Path.of(CompareResultsTest.class.getResource(name).toURI()));
    }

    private static Map<String, Verdict> verdicts(List<Change> changes) {
        Map<String, Verdict> m = new LinkedHashMap<>();
        for (Change c : changes) {
            m.put(c.row().benchmark() + " " + c.row().params().getOrDefault("subject", "-") + " " + c.metric(),
                    c.verdict());
        }
        return m;
    }

    @Test
    void compare_flagsOnlyChangesBeyondTheCombinedError() throws Exception {
        List<Change> changes = CompareResults.compare(rows("base.json"), rows("candidate.json"), List.of());

        Map<String, Verdict> expected = new LinkedHashMap<>();
        // 100 ± 5 → 80 ± 4 ns/op: [95, 105] and [76, 84] do not overlap.
        expected.put("PeerGetPutBenchmark.getHit Hmap primary", Verdict.BETTER);
        // 120 ± 10 → 112 ± 9: 7 % faster on paper, but the intervals overlap.
        expected.put("PeerGetPutBenchmark.getHit ConcurrentHashMap primary", Verdict.SAME);
        // 200 ± 4 → 230 ± 5: slower, intervals apart.
        expected.put("PeerGetPutBenchmark.putUpdate Hmap primary", Verdict.WORSE);
        // One iteration each: no error, no verdict, however large the change.
        expected.put("PeerGetPutBenchmark.getHit ChronicleMap primary", Verdict.UNKNOWN);
        // Throughput: higher is better.
        expected.put("CoreBenchmark.getHit_long_hmapPrimitive - primary", Verdict.BETTER);
        assertEquals(expected, verdicts(changes));
    }

    @Test
    void compare_judgesASecondaryMetricLowerIsBetter() throws Exception {
        List<Change> changes = CompareResults.compare(rows("base.json"), rows("candidate.json"),
                List.of("gc.alloc.rate.norm"));

        Map<String, Verdict> v = verdicts(changes);
        assertEquals(Verdict.SAME, v.get("PeerGetPutBenchmark.getHit Hmap gc.alloc.rate.norm"));
        assertEquals(Verdict.WORSE, v.get("PeerGetPutBenchmark.putUpdate Hmap gc.alloc.rate.norm"));
        assertEquals(7, changes.size());
    }

    @Test
    void compare_reportsRatioAndPercent() throws Exception {
        Change hit = CompareResults.compare(rows("base.json"), rows("candidate.json"), List.of()).get(0);

        assertEquals(0.8, hit.ratio(), 1e-12);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CompareResults.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), "base.json", rows("base.json"),
                "candidate.json", rows("candidate.json"),
                CompareResults.compare(rows("base.json"), rows("candidate.json"), List.of()));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("-20.0% (x0.800)"), out);
        assertTrue(out.contains("100.0 ± 5.000 ns/op"), out);
        assertTrue(out.contains("2 better, 1 worse, 1 within the noise (~), 1 without an error (?)"), out);
        assertTrue(out.contains("2 runs are in one file only"), out);
    }

    @Test
    void parse_readsWhatJmhWrites_NaNAsAString_andRefusesWhatIsNotJson() {
        List<JmhResults.Row> rows = JmhResults.parse("""
                [{"benchmark": "io.hmapstore.bench.X.get", "mode": "avgt", "threads": 2,
                  "params": {"n": 10, "kind": "zipf"},
                  "primaryMetric": {"score": -2.5e3, "scoreError": "NaN", "scoreUnit": "ns/op"},
                  "secondaryMetrics": {"\u00b7gc.alloc.rate.norm": {"score": 0.0, "scoreUnit": "B/op"}}}]
                """);
        assertEquals(1, rows.size());
        JmhResults.Row row = rows.get(0);
        assertEquals("X.get avgt t=2 kind=zipf,n=10", row.key());
        assertEquals(-2500.0, row.primary().score());
        assertTrue(Double.isNaN(row.primary().error()));
        assertEquals("ns/op", row.primary().unit());
        assertEquals(List.of("gc.alloc.rate.norm"), List.copyOf(row.secondary().keySet()));
        assertTrue(Double.isNaN(row.secondary().get("gc.alloc.rate.norm").error()), "no scoreError: NaN");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JmhResults.parse("[{\"a\": 1"));
        assertTrue(e.getMessage().startsWith("not a JMH result file: "), e.getMessage());
    }
}

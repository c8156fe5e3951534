package io.hmapstore.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hmapstore.bench.RatioTable.Line;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Synthetic JMH rows, grouped and divided as the headline table of issue 12 needs. */
class RatioTableTest {

    private static String row(String method, String subject, String values, double score, String unit) {
        return """
                {"benchmark": "io.hmapstore.bench.PeerGetPutBenchmark.%s", "mode": "avgt", "threads": 1,
                 "params": {"dist": "uniform", "size": "1000000", "subject": "%s", "values": "%s"},
                 "primaryMetric": {"score": %s, "scoreError": 1.0, "scoreUnit": "%s"}, "secondaryMetrics": {}}
                """.formatted(method, subject, values, score, unit);
    }

    private static List<Line> lines(String... rows) {
        return RatioTable.lines(JmhResults.parse("[" + String.join(",", rows) + "]"));
    }

    @Test
    void lines_groupSubjectsOfOneBenchmarkAndParameterSet_andDivide() {
        List<Line> lines = lines(row("getHit", "Hmap", "LONG", 60, "ns/op"), row("getHit", "BareBucket", "LONG", 48, "ns/op"),
                row("getHit", "ConcurrentHashMap", "LONG", 80, "ns/op"), row("getHit", "Hmap", "BYTES100", 90, "ns/op"),
                row("putUpdate", "Hmap", "LONG", 100, "ns/op"));
        assertEquals(3, lines.size(), "getHit LONG, getHit BYTES100 and putUpdate LONG are three lines");
        Line hit = lines.get(0);
        assertEquals("dist=uniform,size=1000000,values=LONG", hit.params());
        assertEquals(1.25, hit.ratio("Hmap", "BareBucket"), 1e-9);
        assertEquals(0.75, hit.ratio("Hmap", "ConcurrentHashMap"), 1e-9);
        assertTrue(Double.isNaN(lines.get(1).ratio("Hmap", "BareBucket")), "no BareBucket row for BYTES100");
    }

    @Test
    void print_writesOneMarkdownRowPerLine_withTheSubjectsTimeAndEachRatio() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RatioTable.print(new PrintStream(bytes, true, StandardCharsets.UTF_8),
                lines(row("getHit", "Hmap", "LONG", 60, "ns/op"), row("getHit", "BareBucket", "LONG", 48, "ns/op")),
                "Hmap", List.of("BareBucket", "Caffeine"));
        List<String> out = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals("| benchmark | params | t | Hmap ns | BareBucket ns | ÷ BareBucket | Caffeine ns | ÷ Caffeine |",
                out.get(0));
        assertEquals("| PeerGetPutBenchmark.getHit | dist=uniform,size=1000000,values=LONG | 1 | 60.0 | 48.0 | 1.25 | – | – |",
                out.get(2));
    }

    @Test
    void lines_refuseAnotherUnit_namingTheRow() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> lines(row("getHit", "Hmap", "LONG", 0.06, "us/op")));
        assertTrue(e.getMessage().contains("PeerGetPutBenchmark.getHit") && e.getMessage().contains("us/op"),
                e.getMessage());
    }
}

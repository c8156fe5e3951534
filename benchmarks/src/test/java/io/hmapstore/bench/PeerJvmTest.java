package io.hmapstore.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Every peer benchmark forks with {@link PeerBenchmark}'s flags and heap, as JMH's annotation processor
 * wrote them into the benchmark list it runs from (so the annotations were inherited, not just declared).
 */
class PeerJvmTest {

    @Test
    void everyPeerBenchmark_forksWithThePeersFlagsAndHeap() {
        Set<BenchmarkListEntry> all = BenchmarkList.defaultList()
                .getAll(OutputFormatFactory.createFormatInstance(System.out, VerboseMode.SILENT), List.of());
        List<String> peers = new ArrayList<>();
        for (BenchmarkListEntry entry : all) {
            String name = entry.getUserClassQName();
            if (name.startsWith(PeerBenchmark.class.getPackageName() + ".Peer")) {
                peers.add(entry.getUsername());
                assertEquals(PeerJvm.FLAGS, new ArrayList<>(entry.getJvmArgsAppend().get()), entry.getUsername());
                assertEquals(PeerJvm.HEAP, new ArrayList<>(entry.getJvmArgs().get()), entry.getUsername());
                assertEquals(1, entry.getForks().get(), entry.getUsername());
            }
        }
        assertTrue(peers.size() >= 10, () -> "peer benchmarks found: " + peers);
        assertTrue(PeerJvm.FLAGS.contains("--enable-native-access=ALL-UNNAMED")
                && PeerJvm.FLAGS.contains("-Dchronicle.analytics.disable=true"), PeerJvm.FLAGS::toString);
    }
}

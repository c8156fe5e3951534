package io.hmapstore.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Fork;

/** Every benchmark class that opens a peer forks with exactly {@link PeerJvm}'s flags and heap. */
class PeerJvmTest {

    @Test
    void peerBenchmarks_forkWithPeerJvmFlags() {
        for (Class<?> c : List.of(PeerGetPutBenchmark.class, PeerLatencyBenchmark.class, PeerPutNewBenchmark.class,
                PeerRemoveBenchmark.class)) {
            Fork fork = c.getAnnotation(Fork.class);
            assertEquals(PeerJvm.FLAGS, List.of(fork.jvmArgsAppend()), c.getSimpleName());
            assertEquals(PeerJvm.HEAP, List.of(fork.jvmArgs()), c.getSimpleName());
        }
    }
}

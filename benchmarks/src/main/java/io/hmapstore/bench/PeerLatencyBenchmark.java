package io.hmapstore.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;

/**
 * Latency percentiles (p50, p90, p99, p99.9, p99.99, max) of get-hit, put-update and the 95/5 mix, by
 * JMH's {@link Mode#SampleTime}, on the same subjects, sizes and keys as {@link PeerGetPutBenchmark}.
 * A sample times one call with {@code System.nanoTime}, whose own cost (~20 ns here) is in every figure;
 * compare subjects with each other, not with {@code PeerGetPutBenchmark}'s averages.
 *
 * <pre>
 * J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
 * $J -jar benchmarks/target/benchmarks.jar PeerLatencyBenchmark -rf json -rff latency-1t.json
 * $J -jar benchmarks/target/benchmarks.jar PeerLatencyBenchmark -t 2 -rf json -rff latency-2t.json \
 *     -p subject=Hmap,HmapHugePages,HmapFile,HmapBoxed,ConcurrentHashMap,Caffeine,EhcacheOffHeap,ChronicleMap,LmdbTxnPerBatch,LmdbTxnPerOp
 * </pre>
 */
@BenchmarkMode(Mode.SampleTime)
public class PeerLatencyBenchmark extends PeerBenchmark {

    /**
     * @param s the subject and keys
     * @param o this thread's handle and position
     * @return the value found
     */
    @Benchmark
    public long getHit(PeerState s, Ops o) {
        int i = o.next();
        return o.handle.get(s.keys.hits[i], s.keys.boxedHits[i]);
    }

    /**
     * @param s the subject and keys
     * @param o this thread's handle and position
     */
    @Benchmark
    public void putUpdate(PeerState s, Ops o) {
        int i = o.next();
        o.handle.put(s.keys.hits[i], s.keys.boxedHits[i], i);
    }

    /**
     * @param s the subject and keys
     * @param o this thread's handle and position
     * @return the value found, or 0 after a put
     */
    @Benchmark
    public long mix95(PeerState s, Ops o) {
        return PeerGetPutBenchmark.mix(s, o, 5);
    }
}

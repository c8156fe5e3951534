package io.hmapstore.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

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
 *     -p subject=Hmap,HmapHugePages,HmapFile,HmapBoxed,ConcurrentHashMap,ChronicleMap,LmdbTxnPerBatch,LmdbTxnPerOp
 * </pre>
 */
@Fork(value = 1, jvmArgs = {"-Xms8g", "-Xmx8g"}, jvmArgsAppend = {
        "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
        "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
        "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED",
        "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
        "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
        "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
        "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED", "-Dchronicle.analytics.disable=true"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PeerLatencyBenchmark {

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

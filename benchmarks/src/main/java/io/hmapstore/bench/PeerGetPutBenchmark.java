package io.hmapstore.bench;

import org.openjdk.jmh.annotations.Benchmark;

/**
 * Issue 7's suite against the peers, and issue 4's measured mixes: get-hit, get-miss, put-update and
 * read/write mixes (90/10, 95/5, 50/50) on every {@link io.hmapstore.bench.subjects.Subject} holding
 * {@code size} entries, {@code long→long} and {@code long→100 bytes}, keys {@code uniform} or {@code zipf}.
 * Put-new is {@link PeerPutNewBenchmark}, remove {@link PeerRemoveBenchmark}, latency percentiles
 * {@link PeerLatencyBenchmark}.
 *
 * <pre>
 * mvn -q -B -pl benchmarks -am package -DskipTests
 * J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
 * $J -jar benchmarks/target/benchmarks.jar PeerGetPutBenchmark -prof gc -rf json -rff peers-1t.json      (1 thread)
 * $J -jar benchmarks/target/benchmarks.jar PeerGetPutBenchmark -t 2 -prof gc -rf json -rff peers-2t.json \
 *     -p subject=Hmap,HmapHugePages,HmapFile,HmapBoxed,ConcurrentHashMap,Caffeine,EhcacheOffHeap,ChronicleMap,LmdbTxnPerOp
 * $J -jar benchmarks/target/benchmarks.jar PeerGetPutBenchmark -f 1 -wi 1 -i 1 -w 1s -r 1s -p size=100000   (smoke)
 * </pre>
 * Two threads: leave out the single-writer subjects, which detect a second writer by design,
 * {@code BareBucket}, which refuses a second handle, and {@code LmdbTxnPerBatch}, whose batched write transaction can leave the other thread blocked on LMDB's
 * write lock when an iteration ends. The time per operation JMH reports with {@code -t 2} is each
 * thread's; the store's throughput is twice its inverse.
 * Every method ends with a {@code return} of what it read so nothing is optimised away.
 */
public class PeerGetPutBenchmark extends PeerBenchmark {

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
     * @return {@code Handle.ABSENT}
     */
    @Benchmark
    public long getMiss(PeerState s, Ops o) {
        int i = o.next();
        return o.handle.get(s.keys.misses[i], s.keys.boxedMisses[i]);
    }

    /**
     * Replaces the value of a present key.
     *
     * @param s the subject and keys
     * @param o this thread's handle and position
     */
    @Benchmark
    public void putUpdate(PeerState s, Ops o) {
        int i = o.next();
        o.handle.put(s.keys.hits[i], s.keys.boxedHits[i], i);
    }

    /**
     * 90 % get-hit, 10 % put-update, chosen by a uniform draw made in advance.
     *
     * @param s the subject and keys
     * @param o this thread's handle and position
     * @return the value found, or 0 after a put
     */
    @Benchmark
    public long mix90(PeerState s, Ops o) {
        return mix(s, o, 10);
    }

    /**
     * 95 % get-hit, 5 % put-update (issue 4).
     *
     * @param s the subject and keys
     * @param o this thread's handle and position
     * @return the value found, or 0 after a put
     */
    @Benchmark
    public long mix95(PeerState s, Ops o) {
        return mix(s, o, 5);
    }

    /**
     * 50 % get-hit, 50 % put-update (issue 4).
     *
     * @param s the subject and keys
     * @param o this thread's handle and position
     * @return the value found, or 0 after a put
     */
    @Benchmark
    public long mix50(PeerState s, Ops o) {
        return mix(s, o, 50);
    }

    static long mix(PeerState s, Ops o, int writePercent) {
        int i = o.next();
        KeyStreams k = s.keys;
        if (k.percent[i] < writePercent) {
            o.handle.put(k.hits[i], k.boxedHits[i], i);
            return 0;
        }
        return o.handle.get(k.hits[i], k.boxedHits[i]);
    }
}

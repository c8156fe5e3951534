package io.hmapstore.bench;

import io.hmapstore.bench.subjects.Handle;
import io.hmapstore.bench.subjects.Store;
import io.hmapstore.bench.subjects.Subject;
import io.hmapstore.bench.subjects.ValueKind;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * Remove of present keys, timed alone. A remove can only be measured while there is something to remove,
 * so each invocation ({@link Mode#SingleShotTime}) removes a batch of {@value #BATCH} present keys, and
 * the keys of the batch before are put back between invocations, unmeasured: the store stays within
 * {@value #BATCH} entries per thread of {@code size}. The score is the time per remove.
 *
 * <p>Each thread owns a slice of the stored keys and walks it batch by batch, so two threads never remove
 * the same key. Keys are visited in index order, which is a uniform random order over the table.
 *
 * <pre>
 * J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
 * $J -jar benchmarks/target/benchmarks.jar PeerRemoveBenchmark -prof gc -rf json -rff remove-1t.json
 * $J -jar benchmarks/target/benchmarks.jar PeerRemoveBenchmark -t 2 -rf json -rff remove-2t.json \
 *     -p subject=Hmap,HmapHugePages,HmapFile,HmapBoxed,ConcurrentHashMap,Caffeine,EhcacheOffHeap,ChronicleMap,LmdbTxnPerBatch,LmdbTxnPerOp
 * </pre>
 * Needs {@code size >= 2 * threads *} {@value #BATCH}. {@code -prof gc} counts what the unmeasured
 * put-backs allocate too ({@code ConcurrentHashMap}'s nodes, the boxed API's previous values), so for those
 * subjects {@code gc.alloc.rate.norm} here is an upper bound of the remove's own; the zero-allocation
 * subjects' put-backs allocate nothing.
 */
@Warmup(iterations = 20)
@Measurement(iterations = 40)
@BenchmarkMode(Mode.SingleShotTime)
public class PeerRemoveBenchmark extends PeerBenchmark {

    /** Removes per invocation. */
    public static final int BATCH = 16_384;

    /** The subject, filled once. */
    @State(Scope.Benchmark)
    public static class Filled {
        /** The store measured. */
        @Param({"BareBucket", "Hmap", "HmapSingleWriter", "HmapHugePages", "HmapFile", "HmapFileSingleWriter",
                "HmapBoxed", "ConcurrentHashMap", "Caffeine", "EhcacheOffHeap", "ChronicleMap",
                "LmdbTxnPerBatch", "LmdbTxnPerOp"})
        public Subject subject;

        /** {@code long→long} or {@code long→100 bytes}. */
        @Param({"LONG", "BYTES100"})
        public ValueKind values;

        /** Entries stored. */
        @Param({"1000000"})
        public int size;

        Store store;

        /** Opens and fills the store. */
        @Setup(Level.Trial)
        public void setUp() {
            store = subject.open(values, size, size);
            PeerState.fill(store, subject, size);
        }

        /** Closes the store. */
        @TearDown(Level.Trial)
        public void tearDown() {
            store.close();
        }
    }

    /** A thread's slice of the keys, the batch it removes next, and the batch to put back. */
    @State(Scope.Thread)
    public static class Slice {
        Handle handle;
        long[] keys = new long[BATCH];
        Long[] boxedKeys = new Long[BATCH];
        /** The slice's keys boxed once, for the subjects that take boxed keys; else null. */
        Long[] boxedSlice;
        int from;
        int length;
        int next;
        boolean removed;

        /**
         * @param f the store
         * @param bench the thread count
         * @param t this thread's index
         */
        @Setup(Level.Trial)
        public void start(Filled f, BenchmarkParams bench, ThreadParams t) {
            length = f.size / bench.getThreads();
            if (length < 2 * BATCH) {
                throw new IllegalArgumentException("remove needs size >= 2 * threads * " + BATCH + ": size="
                        + f.size + ", threads=" + bench.getThreads());
            }
            from = length * t.getThreadIndex();
            if (f.subject.boxedKeys()) {
                boxedSlice = new Long[length];
                for (int j = 0; j < length; j++) {
                    boxedSlice[j] = KeyStreams.key(from + j);
                }
            }
            handle = f.store.handle();
        }

        /** Puts the last batch back, and draws the next one, allocating nothing (so {@code -prof gc} shows the removes' own allocation). */
        @Setup(Level.Invocation)
        public void nextBatch() {
            for (int j = 0; j < BATCH && removed; j++) {
                handle.put(keys[j], boxedKeys[j], j);
            }
            for (int j = 0; j < BATCH; j++) {
                keys[j] = KeyStreams.key(from + next);
                boxedKeys[j] = boxedSlice == null ? null : boxedSlice[next];
                next = next + 1 == length ? 0 : next + 1;
            }
            removed = true;
        }

        /** Ends the thread's transactions. */
        @TearDown(Level.Trial)
        public void close() {
            handle.close();
        }
    }

    /**
     * Removes one batch of present keys.
     *
     * @param s the batch
     * @return how many were reported removed ({@link #BATCH}, but the JIT cannot know)
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int remove(Slice s) {
        int n = 0;
        for (int j = 0; j < BATCH; j++) {
            if (s.handle.remove(s.keys[j], s.boxedKeys[j])) {
                n++;
            }
        }
        return n;
    }
}

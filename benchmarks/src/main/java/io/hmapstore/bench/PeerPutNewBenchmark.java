package io.hmapstore.bench;

import io.hmapstore.bench.subjects.Handle;
import io.hmapstore.bench.subjects.Store;
import io.hmapstore.bench.subjects.Subject;
import io.hmapstore.bench.subjects.ValueKind;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * Put-new, growth included: keys never stored before go into a store that starts each iteration afresh
 * with {@code size} entries and a sizing hint of {@code size}, so hmapstore and {@code ConcurrentHashMap}
 * double (several times in a one-second iteration) while being measured, as {@code CoreBenchmark}'s put-new
 * does. Chronicle Map and LMDB cannot grow past what they were opened for, so they are opened for
 * {@code size +} {@value #HEADROOM} entries — more than an iteration inserts at their speed; a
 * Chronicle Map that overflows fails the run rather than report a wrong figure.
 *
 * <pre>
 * J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
 * $J -jar benchmarks/target/benchmarks.jar PeerPutNewBenchmark -prof gc -rf json -rff putnew-1t.json
 * $J -jar benchmarks/target/benchmarks.jar PeerPutNewBenchmark -t 2 -rf json -rff putnew-2t.json \
 *     -p subject=Hmap,HmapHugePages,HmapFile,HmapBoxed,ConcurrentHashMap,Caffeine,EhcacheOffHeap,ChronicleMap,LmdbTxnPerBatch,LmdbTxnPerOp
 * </pre>
 * The new keys are uniform by construction (a distribution over keys not yet present has no hot set).
 */
public class PeerPutNewBenchmark extends PeerBenchmark {

    /** Room Chronicle Map and LMDB get for the keys an iteration adds. */
    public static final int HEADROOM = 8_000_000;

    /** A subject refilled to {@code size} entries before every iteration. */
    @State(Scope.Benchmark)
    public static class Fresh {
        /** The store measured. */
        @Param({"BareBucket", "Hmap", "HmapPresized", "HmapSingleWriter", "HmapHugePages", "HmapFile", "HmapFileSingleWriter",
                "HmapBoxed", "ConcurrentHashMap", "Caffeine", "EhcacheOffHeap", "ChronicleMap",
                "LmdbTxnPerBatch", "LmdbTxnPerOp"})
        public Subject subject;

        /** {@code long→long} or {@code long→100 bytes}. */
        @Param({"LONG", "BYTES100"})
        public ValueKind values;

        /** Entries before the iteration starts. */
        @Param({"1000000"})
        public int size;

        Store store;

        /** Opens and fills this iteration's store. */
        @Setup(Level.Iteration)
        public void setUp() {
            store = subject.open(values, size, (long) size + HEADROOM);
            PeerState.fill(store, subject, size);
        }

        /** Drops this iteration's store. */
        @TearDown(Level.Iteration)
        public void tearDown() {
            store.close();
            store = null;
        }
    }

    /** A thread's handle on this iteration's store, and its supply of new keys. */
    @State(Scope.Thread)
    public static class NewKeys {
        Handle handle;
        boolean boxes;
        int thread;
        long made;

        /**
         * @param f the store
         * @param t this thread's index
         */
        @Setup(Level.Iteration)
        public void open(Fresh f, ThreadParams t) {
            handle = f.store.handle();
            boxes = f.subject.boxedKeys();
            thread = t.getThreadIndex();
        }

        /** Ends this iteration's transactions. */
        @TearDown(Level.Iteration)
        public void close() {
            handle.close();
        }
    }

    /**
     * Inserts one key never stored before (boxing it only for the subjects that take boxed keys, which
     * must keep a {@code Long} per entry anyway).
     *
     * @param n the handle and the key supply
     */
    @Benchmark
    public void putNew(NewKeys n) {
        long k = KeyStreams.freshKey(n.thread, n.made++);
        n.handle.put(k, n.boxes ? Long.valueOf(k) : null, k);
    }
}

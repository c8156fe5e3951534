package io.hmapstore.bench;

import io.hmapstore.bench.KeyStreams.Dist;
import io.hmapstore.bench.subjects.Handle;
import io.hmapstore.bench.subjects.Store;
import io.hmapstore.bench.subjects.Subject;
import io.hmapstore.bench.subjects.ValueKind;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One subject holding {@code size} entries for the whole trial, and the key streams to visit them with.
 * Shared by {@link PeerGetPutBenchmark} and {@link PeerLatencyBenchmark}; its {@code @Param}s are theirs.
 */
@State(Scope.Benchmark)
public class PeerState {

    /** The store measured. */
    @Param({"BareBucket", "Hmap", "HmapSingleWriter", "HmapHugePages", "HmapFile", "HmapFileSingleWriter",
            "HmapBoxed", "ConcurrentHashMap", "Caffeine", "EhcacheOffHeap", "ChronicleMap", "LmdbTxnPerBatch",
            "LmdbTxnPerOp"})
    public Subject subject;

    /** {@code long→long} or {@code long→100 bytes}. */
    @Param({"LONG", "BYTES100"})
    public ValueKind values;

    /** How keys are drawn. */
    @Param({"uniform", "zipf"})
    public Dist dist;

    /** Entries stored before measuring (the full profile adds 10000000). */
    @Param({"1000000"})
    public int size;

    /** The keys. */
    public KeyStreams keys;
    /** The subject, filled. */
    public Store store;

    /** Draws the keys and fills the subject. */
    @Setup(Level.Trial)
    public void setUp() {
        keys = KeyStreams.of(size, dist);
        store = subject.open(values, size, size);
        fill(store, subject, size);
    }

    /** Closes the subject and deletes its files. */
    @TearDown(Level.Trial)
    public void tearDown() {
        store.close();
    }

    /** Puts {@code key(0..size-1)}, each with its index as the value. */
    static void fill(Store store, Subject subject, int size) {
        try (Handle h = store.loader()) {
            boolean boxes = subject.boxedKeys();
            for (int i = 0; i < size; i++) {
                long k = KeyStreams.key(i);
                h.put(k, boxes ? Long.valueOf(k) : null, i);
            }
        }
    }
}

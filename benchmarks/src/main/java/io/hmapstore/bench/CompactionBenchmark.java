package io.hmapstore.bench;

import io.hmapstore.Codecs;
import io.hmapstore.Concurrency;
import io.hmapstore.OffHeapMap;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What compaction costs a write while it runs. Each invocation opens a store of {@code size} long →
 * 40-byte entries and deletes a random 95 % of them (setup, not timed); then {@link #WRITES} updates of
 * surviving keys are timed. With {@code state=fragmented} the deletes left the slabs sparse, so those
 * writes each walk {@code Compaction.CHAINS_PER_WRITE} chains and move what lies in the sparse slabs
 * until the run ends; with {@code state=compacted} the setup called {@code compact()} first, so the same
 * writes find nothing to do. The difference per operation is what a write pays while compaction runs.
 * ({@code stats()} is not called in the timed part: it reads every page's residency.)
 *
 * <p>Run (from the repository root, after {@code mvn -B -pl benchmarks -am package -DskipTests}):
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar CompactionBenchmark -f 1 -wi 5 -i 20
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5)
@Measurement(iterations = 20)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class CompactionBenchmark {
    /** The timed updates per invocation: about as many as a run takes at the default size. */
    public static final int WRITES = 2_000;

    @Param({"100000"})
    public int size;

    @Param({"fragmented", "compacted"})
    public String state;

    private OffHeapMap<Long, String> store;
    private Arena arena;
    private MemorySegment key;
    private MemorySegment value;
    private long[] survivors;

    @Setup(Level.Invocation)
    public void open() {
        arena = Arena.ofConfined();
        key = arena.allocate(Long.BYTES);
        byte[] v = "v".repeat(40).getBytes(StandardCharsets.UTF_8);
        value = arena.allocate(v.length);
        MemorySegment.copy(MemorySegment.ofArray(v), 0, value, 0, v.length);
        store = OffHeapMap.of(Codecs.longs(), Codecs.utf8()).concurrency(Concurrency.CONCURRENT).open();
        for (long k = 0; k < size; k++) {
            store.put(k, "v".repeat(40));
        }
        SplittableRandom random = new SplittableRandom(18);
        survivors = new long[size / 20];
        int kept = 0;
        for (long k = 0; k < size; k++) {
            if (random.nextInt(20) == 0 && kept < survivors.length) {
                survivors[kept++] = k;
            } else {
                store.remove(k);
            }
        }
        survivors = java.util.Arrays.copyOf(survivors, kept);
        // The deletes' own writes compact too; they leave a run under way (the slabs were 60 % free after
        // them in CompactionTest's runs), which the timed writes carry on.
        if (state.equals("compacted")) {
            store.compact();
        }
    }

    @Benchmark
    @OperationsPerInvocation(WRITES)
    public void update() {
        long[] keys = survivors;
        for (int i = 0; i < WRITES; i++) {
            key.set(ValueLayout.JAVA_LONG, 0, keys[i % keys.length]);
            store.put(key, value);
        }
    }

    @TearDown(Level.Invocation)
    public void close() {
        store.close();
        arena.close();
    }
}

package io.hmapstore.bench;

import io.hmapstore.Codecs;
import io.hmapstore.Concurrency;
import io.hmapstore.OffHeapMap;
import io.hmapstore.memory.MappedRegion;
import io.hmapstore.memory.ProcessMemory;
import io.hmapstore.memory.ReleasePolicy;
import io.hmapstore.inspect.StoreProbe;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * Churn under each release policy, so the policies compare in one JMH run: throughput (ops/s) and,
 * as auxiliary counters, the process's RSS, the store's resident bytes and the minor page faults of
 * each iteration.
 *
 * <p>One invocation is one churn cycle on an unsized store: {@link #ENTRIES} puts (the table
 * doubles its way up), half of them removed oldest first (it halves its way down, handing old
 * bucket arrays to the policy), then {@code clear()} (the whole heap goes to the policy) — the
 * cycle the {@code hmapstore harness} workloads take apart. Every put and remove counts as one
 * operation. Values are pre-encoded and keys written into one reused segment, through the
 * store's zero-allocation paths, so the GC stays out of both the time and the RSS.
 *
 * <p>{@code PUNCH_HOLE} is absent: it needs a file-backed store, which is not implemented yet.
 * {@code KEEP} is the baseline: it makes no release call at all.
 *
 * <p>Run (from the repository root, after {@code mvn -B -pl benchmarks -am package -DskipTests}),
 * with JDK 25's {@code java}:
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar MemoryReuseBenchmark
 * java -jar benchmarks/target/benchmarks.jar MemoryReuseBenchmark -f 1 -wi 1 -i 1 -w 1s -r 1s   # a quick look
 * java -jar benchmarks/target/benchmarks.jar MemoryReuseBenchmark -p policy=DONTNEED,FREE       # two policies
 * }</pre>
 * The fork gets {@code --enable-native-access=ALL-UNNAMED} from the annotation; the counters
 * appear as {@code churn:rssMiB}, {@code churn:residentMiB} and {@code churn:minorFaults}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
// A fixed, pre-touched heap keeps the JVM's own growth out of the RSS counter. In jvmArgs, not
// jvmArgsAppend: a -jvmArgsAppend on the command line replaces the annotation's, this one stays.
@Fork(value = 1, jvmArgs = {"-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch"},
        jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class MemoryReuseBenchmark {

    /** Entries put per cycle. */
    public static final int ENTRIES = 100_000;
    /** Operations per cycle: every put, and the removal of half of them. */
    public static final int OPS_PER_CYCLE = ENTRIES + ENTRIES / 2;
    private static final int VALUE_KINDS = 16;

    /** The release policy under test, by {@link ReleasePolicy} name. */
    @Param({"KEEP", "ZERO", "DONTNEED", "FREE", "PAGEOUT", "COLD", "UNMAP"})
    public String policy;

    private OffHeapMap<Long, String> store;
    private MappedRegion region;
    private Arena arena;
    private MemorySegment key;
    private final MemorySegment[] values = new MemorySegment[VALUE_KINDS];
    private long next;

    /** Creates the benchmark; JMH sets {@link #policy} before {@link #open()}. */
    public MemoryReuseBenchmark() {
    }

    /**
     * Memory figures per iteration, reported beside the throughput. They are set, not summed, at
     * the end of every invocation, so JMH reports the last cycle's values of each iteration.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Memory {
        /** Process RSS after the last cycle, MiB. */
        public double rssMiB;
        /** The store's resident bytes (mincore) after the last cycle, MiB. */
        public double residentMiB;
        /** Minor page faults of the process during the iteration. */
        public long minorFaults;
        private long faultsAtStart;

        /** Creates the counters; JMH makes one per thread. */
        public Memory() {
        }

        /** Starts the iteration's fault count. */
        @Setup(Level.Iteration)
        public void start() {
            faultsAtStart = ProcessMemory.snapshot().minorFaults();
            minorFaults = 0;
        }

        void update(MappedRegion region) {
            ProcessMemory.Snapshot now = ProcessMemory.snapshot();
            rssMiB = now.rssBytes() / (double) (1 << 20);
            residentMiB = region.residentBytes(0, region.size()) / (double) (1 << 20);
            minorFaults = now.minorFaults() - faultsAtStart;
        }
    }

    /** Opens a fresh store with the policy under test, and the key and value buffers. */
    @Setup(Level.Trial)
    public void open() {
        store = OffHeapMap.of(Codecs.longs(), Codecs.utf8())
                .expectedEntries(0)
                .releasePolicy(ReleasePolicy.valueOf(policy))
                .concurrency(Concurrency.SINGLE_WRITER)
                .open();
        region = StoreProbe.of(store).region();
        arena = Arena.ofConfined();
        key = arena.allocate(ValueLayout.JAVA_LONG_UNALIGNED);
        for (int i = 0; i < VALUE_KINDS; i++) {
            values[i] = arena.allocateFrom("value " + i + " ".repeat(8 * i));
        }
    }

    /** Closes the store and frees the buffers. */
    @TearDown(Level.Trial)
    public void close() {
        store.close();
        arena.close();
    }

    /**
     * One churn cycle: put {@link #ENTRIES}, remove the older half one by one, clear.
     *
     * @param memory the auxiliary counters
     * @return the store's size before the clear, so the work cannot be optimised away
     */
    @Benchmark
    @OperationsPerInvocation(OPS_PER_CYCLE)
    public long churn(Memory memory) {
        long first = next;
        for (int i = 0; i < ENTRIES; i++) {
            long k = next++;
            key.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, k);
            store.put(key, values[(int) (k & (VALUE_KINDS - 1))]);
        }
        for (int i = 0; i < ENTRIES / 2; i++) {
            key.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, first + i);
            store.remove(key);
        }
        long size = store.size();
        store.clear();
        memory.update(region);
        return size;
    }
}

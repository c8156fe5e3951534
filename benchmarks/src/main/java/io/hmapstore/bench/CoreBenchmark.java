package io.hmapstore.bench;

import io.hmapstore.Codec;
import io.hmapstore.Codecs;
import io.hmapstore.Concurrency;
import io.hmapstore.OffHeapMap;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashSet;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Single-threaded get-hit, get-miss, put-update and put-new on a store of {@code size} entries, for
 * {@code long→long} (allocation-free {@code getLong}/{@code putLong}, and boxed {@code get}/{@code put}) and
 * {@code long→100-byte} values (allocation-free {@code get}/{@code put} on {@link MemorySegment}s), each beside
 * {@link ConcurrentHashMap} doing the same work on the heap.
 *
 * <pre>
 * mvn -q -pl store-native,store-core,benchmarks -am package -DskipTests
 * java -jar benchmarks/target/benchmarks.jar CoreBenchmark -prof gc        (java: JDK 25's, e.g. /usr/lib/jvm/temurin-25-jdk-amd64/bin/java)
 * java -jar benchmarks/target/benchmarks.jar CoreBenchmark -f 1 -wi 1 -i 1 -w 1s -r 1s -p size=100000   (a smoke run)
 * java -jar benchmarks/target/benchmarks.jar CoreBenchmark -p concurrency=SINGLE_WRITER                 (the unlocked mode)
 * </pre>
 *
 * <p>Method names read {@code operation_valueKind_subject}. Keys are random longs, visited in a random order,
 * so that every lookup misses the CPU caches as it would in a large cache; misses look up other random longs.
 * Put-new inserts keys not yet present into a store that starts at {@code size} entries; the store is made
 * afresh before every iteration ({@code @Setup(Level.Iteration)}), so it grows only for one iteration's
 * time. {@code -prof gc} shows the allocation per operation ({@code gc.alloc.rate.norm}): 0 B/op for the
 * {@code hmapPrimitive} and {@code hmapSegment} paths.
 *
 * <p>What the baselines do: {@code ConcurrentHashMap<Long, Long>} with keys boxed in advance (boxing is not
 * measured), and {@code ConcurrentHashMap<Long, byte[]>} whose get copies the 100 bytes out as the segment
 * get does, and whose put stores a reference to the caller's array (no copy, unlike the store).
 */
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms4g", "-Xmx4g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class CoreBenchmark {

    static final int VALUE_BYTES = 100;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    /** Entries in the store before the benchmark starts. */
    @Param({"1000000"})
    public int size;

    /** The store's concurrency mode (ConcurrentHashMap ignores it). */
    @Param({"CONCURRENT"})
    public Concurrency concurrency;

    /** Stored keys, in a random order; even. */
    long[] hits;
    /** Absent keys; odd. */
    long[] misses;
    Long[] boxedHits;
    Long[] boxedMisses;

    /** Makes the keys. */
    @Setup(Level.Trial)
    public void keys() {
        SplittableRandom random = new SplittableRandom(42);
        hits = new long[size];
        misses = new long[size];
        boxedHits = new Long[size];
        boxedMisses = new Long[size];
        HashSet<Long> seen = new HashSet<>();
        for (int i = 0; i < size; i++) {
            long k;
            do {
                k = random.nextLong() & ~1L;
            } while (!seen.add(k));
            hits[i] = k;
            misses[i] = random.nextLong() | 1L;
            boxedHits[i] = hits[i];
            boxedMisses[i] = misses[i];
        }
    }

    <V> OffHeapMap<Long, V> open(Codec<V> values) {
        return OffHeapMap.of(Codecs.longs(), values).expectedEntries(size).concurrency(concurrency).open();
    }

    static byte[] payload(long seed) {
        byte[] p = new byte[VALUE_BYTES];
        new SplittableRandom(seed).nextBytes(p);
        return p;
    }

    // ------------------------------------------------------------------ per-thread cursor

    /** The thread's position in the key arrays, its reusable segments, and its supply of new keys. */
    @State(Scope.Thread)
    public static class Cursor {
        int hit;
        int miss;
        long fresh;
        int size;
        Arena arena;
        MemorySegment key;
        MemorySegment value;
        MemorySegment out;
        byte[] payload;
        byte[] outBytes;
        Long boxedValue;

        /** @param bench the shared keys */
        @Setup(Level.Trial)
        public void setUp(CoreBenchmark bench) {
            size = bench.size;
            arena = Arena.ofShared();
            key = arena.allocate(Long.BYTES);
            value = arena.allocate(VALUE_BYTES);
            value.copyFrom(MemorySegment.ofArray(payload(7)));
            out = arena.allocate(VALUE_BYTES);
            payload = payload(7);
            outBytes = new byte[VALUE_BYTES];
            boxedValue = 12345L;
        }

        /** Releases the segments. */
        @TearDown(Level.Trial)
        public void tearDown() {
            arena.close();
        }

        int nextHit() {
            int i = hit;
            hit = i + 1 == size ? 0 : i + 1;
            return i;
        }

        int nextMiss() {
            int i = miss;
            miss = i + 1 == size ? 0 : i + 1;
            return i;
        }

        /** A key never stored before: odd multiples of a constant cannot meet the (even) hits. */
        long nextNew() {
            return (++fresh * 0x9E3779B97F4A7C15L) | 1L;
        }
    }

    // ------------------------------------------------------------------ subjects, filled once per trial

    /** The store, {@code long→long}. */
    @State(Scope.Benchmark)
    public static class HmapLongs {
        OffHeapMap<Long, Long> map;

        /** @param bench the keys */
        @Setup(Level.Trial)
        public void fill(CoreBenchmark bench) {
            map = bench.filledLongs();
        }

        /** Unmaps the store. */
        @TearDown(Level.Trial)
        public void close() {
            map.close();
        }
    }

    /** The baseline, {@code Long→Long}. */
    @State(Scope.Benchmark)
    public static class ChmLongs {
        ConcurrentHashMap<Long, Long> map;

        /** @param bench the keys */
        @Setup(Level.Trial)
        public void fill(CoreBenchmark bench) {
            map = bench.filledChmLongs();
        }
    }

    /** The store, {@code long→100 bytes}. */
    @State(Scope.Benchmark)
    public static class HmapBlobs {
        OffHeapMap<Long, byte[]> map;

        /** @param bench the keys */
        @Setup(Level.Trial)
        public void fill(CoreBenchmark bench) {
            map = bench.filledBlobs();
        }

        /** Unmaps the store. */
        @TearDown(Level.Trial)
        public void close() {
            map.close();
        }
    }

    /** The baseline, {@code Long→byte[100]}. */
    @State(Scope.Benchmark)
    public static class ChmBlobs {
        ConcurrentHashMap<Long, byte[]> map;

        /** @param bench the keys */
        @Setup(Level.Trial)
        public void fill(CoreBenchmark bench) {
            map = bench.filledChmBlobs();
        }
    }

    // ------------------------------------------------------------------ subjects made afresh per iteration (put-new)

    /** A fresh {@code long→long} store of {@code size} entries per iteration, so put-new cannot grow forever. */
    @State(Scope.Benchmark)
    public static class FreshHmapLongs {
        OffHeapMap<Long, Long> map;

        /** @param bench the keys */
        @Setup(Level.Iteration)
        public void fill(CoreBenchmark bench) {
            map = bench.filledLongs();
        }

        /** Unmaps this iteration's store. */
        @TearDown(Level.Iteration)
        public void close() {
            map.close();
        }
    }

    /** A fresh {@code Long→Long} baseline per iteration. */
    @State(Scope.Benchmark)
    public static class FreshChmLongs {
        ConcurrentHashMap<Long, Long> map;

        /** @param bench the keys */
        @Setup(Level.Iteration)
        public void fill(CoreBenchmark bench) {
            map = null;
            map = bench.filledChmLongs();
        }
    }

    /** A fresh {@code long→100 bytes} store per iteration. */
    @State(Scope.Benchmark)
    public static class FreshHmapBlobs {
        OffHeapMap<Long, byte[]> map;

        /** @param bench the keys */
        @Setup(Level.Iteration)
        public void fill(CoreBenchmark bench) {
            map = bench.filledBlobs();
        }

        /** Unmaps this iteration's store. */
        @TearDown(Level.Iteration)
        public void close() {
            map.close();
        }
    }

    /** A fresh {@code Long→byte[100]} baseline per iteration. */
    @State(Scope.Benchmark)
    public static class FreshChmBlobs {
        ConcurrentHashMap<Long, byte[]> map;

        /** @param bench the keys */
        @Setup(Level.Iteration)
        public void fill(CoreBenchmark bench) {
            map = null;
            map = bench.filledChmBlobs();
        }
    }

    OffHeapMap<Long, Long> filledLongs() {
        OffHeapMap<Long, Long> map = open(Codecs.longs());
        for (long k : hits) {
            map.putLong(k, k);
        }
        return map;
    }

    ConcurrentHashMap<Long, Long> filledChmLongs() {
        ConcurrentHashMap<Long, Long> map = new ConcurrentHashMap<>(size);
        for (Long k : boxedHits) {
            map.put(k, k);
        }
        return map;
    }

    OffHeapMap<Long, byte[]> filledBlobs() {
        OffHeapMap<Long, byte[]> map = open(Codecs.bytes());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(Long.BYTES);
            MemorySegment value = arena.allocate(VALUE_BYTES);
            value.copyFrom(MemorySegment.ofArray(payload(7)));
            for (long k : hits) {
                key.set(LONG, 0, k);
                map.put(key, value);
            }
        }
        return map;
    }

    ConcurrentHashMap<Long, byte[]> filledChmBlobs() {
        ConcurrentHashMap<Long, byte[]> map = new ConcurrentHashMap<>(size);
        byte[] p = payload(7);
        for (Long k : boxedHits) {
            map.put(k, p.clone());
        }
        return map;
    }

    // ------------------------------------------------------------------ long -> long

    @Benchmark
    public long getHit_long_hmapPrimitive(CoreBenchmark b, HmapLongs s, Cursor c) {
        return s.map.getLong(b.hits[c.nextHit()], -1);
    }

    @Benchmark
    public long getMiss_long_hmapPrimitive(CoreBenchmark b, HmapLongs s, Cursor c) {
        return s.map.getLong(b.misses[c.nextMiss()], -1);
    }

    @Benchmark
    public void putUpdate_long_hmapPrimitive(CoreBenchmark b, HmapLongs s, Cursor c) {
        int i = c.nextHit();
        s.map.putLong(b.hits[i], i);
    }

    @Benchmark
    public void putNew_long_hmapPrimitive(FreshHmapLongs s, Cursor c) {
        long k = c.nextNew();
        s.map.putLong(k, k);
    }

    @Benchmark
    public Long getHit_long_hmapBoxed(CoreBenchmark b, HmapLongs s, Cursor c) {
        return s.map.get(b.boxedHits[c.nextHit()]);
    }

    @Benchmark
    public Long getMiss_long_hmapBoxed(CoreBenchmark b, HmapLongs s, Cursor c) {
        return s.map.get(b.boxedMisses[c.nextMiss()]);
    }

    @Benchmark
    public Long putUpdate_long_hmapBoxed(CoreBenchmark b, HmapLongs s, Cursor c) {
        return s.map.put(b.boxedHits[c.nextHit()], c.boxedValue);
    }

    @Benchmark
    public Long putNew_long_hmapBoxed(FreshHmapLongs s, Cursor c) {
        return s.map.put(c.nextNew(), c.boxedValue);
    }

    @Benchmark
    public Long getHit_long_chm(CoreBenchmark b, ChmLongs s, Cursor c) {
        return s.map.get(b.boxedHits[c.nextHit()]);
    }

    @Benchmark
    public Long getMiss_long_chm(CoreBenchmark b, ChmLongs s, Cursor c) {
        return s.map.get(b.boxedMisses[c.nextMiss()]);
    }

    @Benchmark
    public Long putUpdate_long_chm(CoreBenchmark b, ChmLongs s, Cursor c) {
        return s.map.put(b.boxedHits[c.nextHit()], c.boxedValue);
    }

    @Benchmark
    public Long putNew_long_chm(FreshChmLongs s, Cursor c) {
        return s.map.put(c.nextNew(), c.boxedValue);
    }

    // ------------------------------------------------------------------ long -> 100 bytes

    @Benchmark
    public boolean getHit_bytes100_hmapSegment(CoreBenchmark b, HmapBlobs s, Cursor c) {
        c.key.set(LONG, 0, b.hits[c.nextHit()]);
        return s.map.get(c.key, c.out);
    }

    @Benchmark
    public boolean getMiss_bytes100_hmapSegment(CoreBenchmark b, HmapBlobs s, Cursor c) {
        c.key.set(LONG, 0, b.misses[c.nextMiss()]);
        return s.map.get(c.key, c.out);
    }

    @Benchmark
    public void putUpdate_bytes100_hmapSegment(CoreBenchmark b, HmapBlobs s, Cursor c) {
        int i = c.nextHit();
        c.key.set(LONG, 0, b.hits[i]);
        c.value.set(LONG, 0, i);
        s.map.put(c.key, c.value);
    }

    @Benchmark
    public void putNew_bytes100_hmapSegment(FreshHmapBlobs s, Cursor c) {
        c.key.set(LONG, 0, c.nextNew());
        s.map.put(c.key, c.value);
    }

    @Benchmark
    public byte[] getHit_bytes100_chm(CoreBenchmark b, ChmBlobs s, Cursor c) {
        byte[] v = s.map.get(b.boxedHits[c.nextHit()]);
        System.arraycopy(v, 0, c.outBytes, 0, v.length);
        return c.outBytes;
    }

    @Benchmark
    public byte[] getMiss_bytes100_chm(CoreBenchmark b, ChmBlobs s, Cursor c) {
        byte[] v = s.map.get(b.boxedMisses[c.nextMiss()]);
        if (v != null) {
            System.arraycopy(v, 0, c.outBytes, 0, v.length);
        }
        return v;
    }

    @Benchmark
    public byte[] putUpdate_bytes100_chm(CoreBenchmark b, ChmBlobs s, Cursor c) {
        return s.map.put(b.boxedHits[c.nextHit()], c.payload);
    }

    @Benchmark
    public byte[] putNew_bytes100_chm(FreshChmBlobs s, Cursor c) {
        return s.map.put(c.nextNew(), c.payload);
    }
}

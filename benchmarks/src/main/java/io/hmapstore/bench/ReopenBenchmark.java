package io.hmapstore.bench;

import io.hmapstore.Codecs;
import io.hmapstore.OffHeapMap;
import io.hmapstore.bench.subjects.TempDirs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
 * A restart of a service that keeps one store file per partition, as the Infinispan store keeps one per
 * segment (256 by default): every file is opened, one key of each is read back, and every file is
 * closed. The files are made once per trial ({@code files} of {@code entries} long → 100-byte entries
 * each, closed cleanly); each invocation is one whole restart. What it shows is the fixed cost of an
 * opening: locking and mapping the file, checking the superblock, walking the heap to rebuild the free
 * lists, and (before the dirty mark waited for a file's first write) an msync of the superblock per
 * file, which waits for the disk.
 *
 * <p>Run (from the repository root, after {@code mvn -B -pl benchmarks -am package -DskipTests}):
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar ReopenBenchmark -f 1 -wi 3 -i 10
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 10)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ReopenBenchmark {

    @Param({"256"})
    public int files;

    @Param({"0", "3900"})
    public int entries;

    private Path dir;
    private final List<Path> paths = new ArrayList<>();

    private static OffHeapMap.Builder<Long, byte[]> builder(Path file) {
        return OffHeapMap.of(Codecs.longs(), Codecs.bytes(100)).persistTo(file);
    }

    /** Makes the files, each closed cleanly. */
    @Setup(Level.Trial)
    public void makeFiles() {
        dir = TempDirs.create("hmapstore-reopen");
        byte[] value = new byte[100];
        for (int f = 0; f < files; f++) {
            Path file = dir.resolve("segment-" + f + ".hmap");
            try (OffHeapMap<Long, byte[]> map = builder(file).open()) {
                for (long k = 0; k < entries; k++) {
                    map.put(k, value);
                }
            }
            paths.add(file);
        }
    }

    /**
     * One restart: opens every file, reads one key of each, and closes them all.
     *
     * @return the keys found, so the reads are not dead code
     */
    @Benchmark
    public long restart() {
        long found = 0;
        List<OffHeapMap<Long, byte[]>> open = new ArrayList<>(files);
        try {
            for (Path file : paths) {
                OffHeapMap<Long, byte[]> map = builder(file).open();
                open.add(map);
                found += map.containsKey((long) entries - 1) ? 1 : 0;
            }
        } finally {
            open.forEach(OffHeapMap::close);
        }
        return found;
    }

    /** Deletes the files. */
    @TearDown(Level.Trial)
    public void deleteFiles() {
        TempDirs.delete(dir);
    }
}

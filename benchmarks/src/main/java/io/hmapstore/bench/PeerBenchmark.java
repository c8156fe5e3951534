package io.hmapstore.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What every benchmark against the peers shares, written once: JMH annotations are inherited, and a
 * subclass overrides only what it measures differently (its mode, its iterations).
 *
 * <p>The fork's flags are the ones a process needs to run the peers on JDK 25 (RECIPES.md): Chronicle
 * Map 2026.1 and Chronicle Bytes reach into the JDK's internals and compile value classes at run time
 * (hence the {@code jdk.compiler} ones); lmdbjava 0.9.3 needs the {@code java.nio} and {@code sun.nio.ch}
 * opens; hmapstore needs native access. They belong to the benchmarks only, never to the store.
 * {@link PeerJvm} reads them from here for the JVMs the tools and scripts start themselves. The heap is
 * set apart, in {@code jvmArgs} (room for 10M entries of {@code ConcurrentHashMap<Long, byte[]>}), so
 * {@code -jvmArgs -Xmx2g} on the command line changes it without dropping the flags.
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
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public abstract class PeerBenchmark {
}

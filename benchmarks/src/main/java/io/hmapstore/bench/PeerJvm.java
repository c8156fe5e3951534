package io.hmapstore.bench;

import java.util.List;

/**
 * The JVM flags a process needs to run the peers on JDK 25 (RECIPES.md): Chronicle Map 2026.1 and
 * Chronicle Bytes reach into the JDK's internals and compile value classes at run time (hence the
 * {@code jdk.compiler} ones); lmdbjava 0.9.3 needs the {@code java.nio} and {@code sun.nio.ch} opens;
 * hmapstore needs native access. They belong to the benchmarks only, never to the store.
 *
 * <p>JMH annotations cannot refer to a list, so every benchmark class that opens a peer repeats
 * {@link #FLAGS} in its {@code @Fork(jvmArgsAppend = ...)}; {@code PeerJvmTest} checks that they agree.
 * The heap is set apart, in {@code @Fork(jvmArgs = ...)}, so {@code -jvmArgs -Xmx2g} on the command line
 * changes it without dropping these.
 */
public final class PeerJvm {

    /** The flags, one argument each. */
    public static final List<String> FLAGS = List.of(
            "--enable-native-access=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
            "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
            "-Dchronicle.analytics.disable=true");

    /** The heap every peer benchmark fork gets: room for 10M entries of {@code ConcurrentHashMap<Long, byte[]>}. */
    public static final List<String> HEAP = List.of("-Xms8g", "-Xmx8g");

    private PeerJvm() {
    }

    /**
     * Prints {@link #FLAGS}, one a line, for scripts that start a JVM themselves ({@code run-smoke.sh}).
     *
     * @param args none
     */
    public static void main(String[] args) {
        FLAGS.forEach(System.out::println);
    }
}

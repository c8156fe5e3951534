package io.hmapstore.bench;

import java.util.List;
import org.openjdk.jmh.annotations.Fork;

/**
 * The JVM flags a process needs to run the peers on JDK 25, and the heap the peer benchmarks fork with,
 * as {@link PeerBenchmark}'s {@code @Fork} states them (the one place they are written), for the JVMs the
 * tools ({@code MemoryPerEntry}, {@code GcFootprint}) and scripts ({@code run-smoke.sh}) start themselves.
 */
public final class PeerJvm {

    private static final Fork FORK = PeerBenchmark.class.getAnnotation(Fork.class);

    /** The flags, one argument each. */
    public static final List<String> FLAGS = List.of(FORK.jvmArgsAppend());

    /** The heap every peer benchmark fork gets. */
    public static final List<String> HEAP = List.of(FORK.jvmArgs());

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

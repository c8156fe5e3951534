package io.hmapstore.bench;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * Pins a benchmark thread to one CPU ({@code sched_setaffinity} on the calling thread, through the FFM
 * linker), when the fork is started with {@code -Dhmapstore.bench.pin=CPU[,CPU...]}: thread {@code i}
 * of a run goes to the {@code i}-th CPU of the list, modulo its length.
 *
 * <p>Why: on the project's 2-CPU VM a single-threaded fork left free to move read 250 or 550 ns by the
 * fork, and taken as a whole to one CPU ({@code taskset}) 236-250 (benchmarks/README.md, "Pinned
 * rounds"). A whole JVM on one CPU also puts the collector, the JIT and a peer's own threads (Caffeine's
 * and Ehcache's maintenance) on the measured thread's CPU, and Caffeine's put-update went from 3 to
 * 34 µs; pinning the benchmark thread alone leaves them the other CPU.
 */
final class ThreadPin {
    /** The system property that lists the CPUs. */
    static final String PROPERTY = "hmapstore.bench.pin";
    /** Bytes of the CPU mask passed: 1,024 CPUs, glibc's {@code cpu_set_t}. */
    private static final long MASK_BYTES = 128;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURED = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURED.varHandle(PathElement.groupElement("errno"));
    /** {@code int sched_setaffinity(pid_t pid, size_t cpusetsize, const cpu_set_t *mask)}; pid 0 is the caller. */
    private static final MethodHandle SCHED_SETAFFINITY = LINKER.downcallHandle(
            LINKER.defaultLookup().find("sched_setaffinity").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), Linker.Option.captureCallState("errno"));

    private ThreadPin() {
    }

    /**
     * Pins the calling thread if the property asks for it.
     *
     * @param threadIndex the thread's index in the run (JMH's {@code ThreadParams})
     * @return the CPU it was pinned to, or -1 when the property is not set
     */
    static int pinFromProperty(int threadIndex) {
        String cpus = System.getProperty(PROPERTY, "").strip();
        if (cpus.isEmpty()) {
            return -1;
        }
        int[] list;
        try {
            list = Arrays.stream(cpus.split(",")).map(String::strip).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + PROPERTY + "=" + cpus + ": expected CPU numbers separated by commas");
        }
        int cpu = list[threadIndex % list.length];
        pin(cpu);
        return cpu;
    }

    /** Pins the calling thread to {@code cpu}. */
    static void pin(int cpu) {
        if (cpu < 0 || cpu >= MASK_BYTES * 8) {
            throw new IllegalArgumentException("CPU " + cpu + " is outside [0, " + MASK_BYTES * 8 + ")");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(MASK_BYTES, Long.BYTES);
            mask.set(JAVA_LONG, (cpu / 64) * Long.BYTES, 1L << (cpu % 64));
            MemorySegment state = arena.allocate(CAPTURED);
            int rc = (int) SCHED_SETAFFINITY.invokeExact(state, 0, MASK_BYTES, mask);
            if (rc != 0) {
                int errno = (int) ERRNO.get(state, 0L);
                throw new IllegalStateException("sched_setaffinity(0, " + MASK_BYTES + ", {CPU " + cpu + "}) failed: errno "
                        + errno + (errno == 22 ? " (EINVAL: no such CPU online, or not allowed to this process)" : ""));
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("sched_setaffinity: " + t, t);
        }
    }
}

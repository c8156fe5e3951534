package io.hmapstore.memory;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.StringJoiner;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The FFM downcalls to libc that hmapstore makes, and the one place where a failed call becomes a
 * {@link NativeCallException}.
 *
 * <p>Implementation notes: every method handle is looked up once, when this class initialises.
 * Each call that can fail captures {@code errno} with {@link Linker.Option#captureCallState} into a
 * segment allocated per call from a confined arena: reading the thread's {@code errno} after the
 * downcall returns would race with whatever libc call the JVM makes next on the same thread. A
 * result of {@code -1} ({@code MAP_FAILED} for {@code mmap}) is turned into a
 * {@link NativeCallException} naming the call, its arguments (addresses in hex, flags by their
 * symbolic names) and the errno. Calls a signal can interrupt without side effects ({@code open},
 * {@code ftruncate}, {@code fallocate}) are retried on {@code EINTR}; {@code close} is not, because
 * Linux releases the descriptor even when it reports {@code EINTR}.
 *
 * <p>The constants are Linux x86_64 values, kept here and nowhere else.
 */
final class Libc {

    /** Pages may not be accessed. */
    static final int PROT_NONE = 0;
    /** Pages may be read. */
    static final int PROT_READ = 1;
    /** Pages may be written. */
    static final int PROT_WRITE = 2;

    /** Updates are visible to other mappings of the file and carried through to it. */
    static final int MAP_SHARED = 0x01;
    /** Copy-on-write mapping; for anonymous memory, memory no other process sees. */
    static final int MAP_PRIVATE = 0x02;
    /** Place the mapping exactly at the address, replacing whatever was mapped there atomically. */
    static final int MAP_FIXED = 0x10;
    /** Not backed by a file; zero-filled on first touch. */
    static final int MAP_ANONYMOUS = 0x20;
    /** Do not charge the mapping against the commit limit (it only reserves address space). */
    static final int MAP_NORESERVE = 0x4000;

    /** Expect random access: no readahead around a fault in the range. */
    static final int MADV_RANDOM = 1;
    /** Drop the pages now: zero-fill (anonymous) or the file's bytes on the next touch. */
    static final int MADV_DONTNEED = 4;
    /** Free lazily: the kernel may keep the old bytes until it needs the memory. */
    static final int MADV_FREE = 8;
    /** Free the pages and their backing store (shared file or shmem mappings). */
    static final int MADV_REMOVE = 9;
    /** Back the range with transparent huge pages where possible. */
    static final int MADV_HUGEPAGE = 14;
    /** Move the pages to the inactive list: reclaim them first under pressure. */
    static final int MADV_COLD = 20;
    /** Reclaim the pages now (swap out or write back), if the kernel can. */
    static final int MADV_PAGEOUT = 21;

    /** msync: write back and wait for completion. */
    static final int MS_SYNC = 4;

    /** fallocate: do not change the file's size. */
    static final int FALLOC_FL_KEEP_SIZE = 0x01;
    /** fallocate: deallocate the range (must be combined with {@link #FALLOC_FL_KEEP_SIZE}). */
    static final int FALLOC_FL_PUNCH_HOLE = 0x02;

    /** open: read only (no bit set: the access mode's zero value). */
    static final int O_RDONLY = 0;
    /** open: read and write. */
    static final int O_RDWR = 02;
    /** open: create the file if absent. */
    static final int O_CREAT = 0100;
    /** open: close the descriptor across exec, so a child process never inherits it. */
    static final int O_CLOEXEC = 02000000;

    /** sysconf name {@code _SC_PAGESIZE}. */
    static final int SC_PAGESIZE = 30;
    /** getrusage: the calling process. */
    static final int RUSAGE_SELF = 0;

    /** struct timeval on x86_64. */
    private static final StructLayout TIMEVAL = MemoryLayout.structLayout(
            JAVA_LONG.withName("tv_sec"), JAVA_LONG.withName("tv_usec"));

    /** struct rusage on x86_64 (sys/resource.h): two timevals, then fourteen longs. */
    static final StructLayout RUSAGE = MemoryLayout.structLayout(
            TIMEVAL.withName("ru_utime"), TIMEVAL.withName("ru_stime"),
            JAVA_LONG.withName("ru_maxrss"), JAVA_LONG.withName("ru_ixrss"),
            JAVA_LONG.withName("ru_idrss"), JAVA_LONG.withName("ru_isrss"),
            JAVA_LONG.withName("ru_minflt"), JAVA_LONG.withName("ru_majflt"),
            JAVA_LONG.withName("ru_nswap"), JAVA_LONG.withName("ru_inblock"),
            JAVA_LONG.withName("ru_oublock"), JAVA_LONG.withName("ru_msgsnd"),
            JAVA_LONG.withName("ru_msgrcv"), JAVA_LONG.withName("ru_nsignals"),
            JAVA_LONG.withName("ru_nvcsw"), JAVA_LONG.withName("ru_nivcsw"));

    /**
     * struct stat on x86_64 (asm/stat.h); only the size and block count are read, the rest is
     * padding of the right width so the offsets come from the layout.
     */
    static final StructLayout STAT = MemoryLayout.structLayout(
            JAVA_LONG.withName("st_dev"), JAVA_LONG.withName("st_ino"), JAVA_LONG.withName("st_nlink"),
            JAVA_INT.withName("st_mode"), JAVA_INT.withName("st_uid"), JAVA_INT.withName("st_gid"),
            MemoryLayout.paddingLayout(4), JAVA_LONG.withName("st_rdev"), JAVA_LONG.withName("st_size"),
            JAVA_LONG.withName("st_blksize"), JAVA_LONG.withName("st_blocks"),
            MemoryLayout.paddingLayout(3 * 16 + 3 * 8));  // three timespecs, three reserved longs

    private static final VarHandle ST_SIZE = STAT.varHandle(PathElement.groupElement("st_size"));
    private static final VarHandle ST_BLOCKS = STAT.varHandle(PathElement.groupElement("st_blocks"));

    private static final VarHandle RU_MINFLT = RUSAGE.varHandle(PathElement.groupElement("ru_minflt"));
    private static final VarHandle RU_MAJFLT = RUSAGE.varHandle(PathElement.groupElement("ru_majflt"));

    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final StructLayout CAPTURED_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURED_STATE.varHandle(PathElement.groupElement("errno"));

    private static final MethodHandle MMAP = downcall("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = downcall("munmap",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle MADVISE = downcall("madvise",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle MPROTECT = downcall("mprotect",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle MINCORE = downcall("mincore",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS));
    private static final MethodHandle MSYNC = downcall("msync",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle FALLOCATE = downcall("fallocate",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle FTRUNCATE = downcall("ftruncate",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
    // open(2) is variadic: the mode is passed only with O_CREAT, as the first variadic argument.
    private static final MethodHandle OPEN = downcall("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = downcall("close",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle FSTAT = downcall("fstat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle GETRUSAGE = downcall("getrusage",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle SYSCONF = downcall("sysconf",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT));

    // call()'s retry argument: calls a signal can interrupt without side effects are made again.
    private static final boolean ONCE = false;
    private static final boolean RETRY_ON_EINTR = true;

    // Counts every downcall so tests can prove that bad input is refused before any system call.
    private static final LongAdder DOWNCALLS = new LongAdder();

    /** What fstat reports about a file's length and its allocated 512-byte blocks. */
    record FileStat(long size, long blocks) { }

    /** What getrusage reports about page faults. */
    record Rusage(long minorFaults, long majorFaults) { }

    private Libc() {
    }

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... extra) {
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = CAPTURE_ERRNO;
        System.arraycopy(extra, 0, options, 1, extra.length);
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no symbol " + name));
        return LINKER.downcallHandle(symbol, descriptor, options);
    }

    /** The number of libc calls made through this class since the JVM started. */
    static long downcalls() {
        return DOWNCALLS.sum();
    }

    /** mmap(2); returns the mapping's address. */
    static long mmap(long address, long length, int prot, int flags, int fd, long offset) {
        // MAP_FAILED is (void *) -1, so the address reads -1 exactly when the call failed.
        return call("mmap", ONCE, state -> ((MemorySegment) MMAP.invokeExact(state, MemorySegment.ofAddress(address),
                length, prot, flags, fd, offset)).address(),
                () -> args(hex(address), length, protNames(prot), mapNames(flags), fd, offset));
    }

    /** munmap(2). */
    static void munmap(long address, long length) {
        call("munmap", ONCE, state -> (int) MUNMAP.invokeExact(state, MemorySegment.ofAddress(address), length),
                () -> args(hex(address), length));
    }

    /** madvise(2) with one of the {@code MADV_*} constants. */
    static void madvise(long address, long length, int advice) {
        call("madvise", ONCE,
                state -> (int) MADVISE.invokeExact(state, MemorySegment.ofAddress(address), length, advice),
                () -> args(hex(address), length, adviceName(advice)));
    }

    /** mprotect(2) with {@code PROT_*} bits. */
    static void mprotect(long address, long length, int prot) {
        call("mprotect", ONCE,
                state -> (int) MPROTECT.invokeExact(state, MemorySegment.ofAddress(address), length, prot),
                () -> args(hex(address), length, protNames(prot)));
    }

    /** mincore(2): one byte per page into {@code vector}, bit 0 set when the page is resident. */
    static void mincore(long address, long length, MemorySegment vector) {
        call("mincore", ONCE,
                state -> (int) MINCORE.invokeExact(state, MemorySegment.ofAddress(address), length, vector),
                () -> args(hex(address), length, hex(vector.address())));
    }

    /** msync(2) with {@code MS_*} flags. */
    static void msync(long address, long length, int flags) {
        call("msync", ONCE, state -> (int) MSYNC.invokeExact(state, MemorySegment.ofAddress(address), length, flags),
                () -> args(hex(address), length, flags == MS_SYNC ? "MS_SYNC" : flags));
    }

    /** fallocate(2) with {@code FALLOC_FL_*} mode bits; retried on EINTR. */
    static void fallocate(int fd, int mode, long offset, long length) {
        call("fallocate", RETRY_ON_EINTR, state -> (int) FALLOCATE.invokeExact(state, fd, mode, offset, length),
                () -> args(fd, fallocNames(mode), offset, length));
    }

    /** ftruncate(2); retried on EINTR. */
    static void ftruncate(int fd, long length) {
        call("ftruncate", RETRY_ON_EINTR, state -> (int) FTRUNCATE.invokeExact(state, fd, length),
                () -> args(fd, length));
    }

    /** open(2) with {@code O_*} flags and a creation mode; returns the descriptor. Retried on EINTR. */
    static int open(Path path, int flags, int mode) {
        try (Arena frame = Arena.ofConfined()) {
            MemorySegment cPath = frame.allocateFrom(path.toString());
            return (int) call("open", RETRY_ON_EINTR, state -> (int) OPEN.invokeExact(state, cPath, flags, mode),
                    () -> args("\"" + path + "\"", openNames(flags), "0" + Integer.toOctalString(mode)));
        }
    }

    /** close(2); never retried (Linux frees the descriptor even when it reports EINTR). */
    static void close(int fd) {
        call("close", ONCE, state -> (int) CLOSE.invokeExact(state, fd), () -> args(fd));
    }

    /** fstat(2): the file's length and allocated blocks. */
    static FileStat fstat(int fd) {
        try (Arena frame = Arena.ofConfined()) {
            MemorySegment stat = frame.allocate(STAT);
            call("fstat", ONCE, state -> (int) FSTAT.invokeExact(state, fd, stat), () -> args(fd, hex(stat.address())));
            return new FileStat((long) ST_SIZE.get(stat, 0L), (long) ST_BLOCKS.get(stat, 0L));
        }
    }

    /** getrusage(2): the page fault counts of {@code who} (e.g. {@link #RUSAGE_SELF}). */
    static Rusage getrusage(int who) {
        try (Arena frame = Arena.ofConfined()) {
            MemorySegment usage = frame.allocate(RUSAGE);
            call("getrusage", ONCE, state -> (int) GETRUSAGE.invokeExact(state, who, usage),
                    () -> args(who == RUSAGE_SELF ? "RUSAGE_SELF" : who, hex(usage.address())));
            return new Rusage((long) RU_MINFLT.get(usage, 0L), (long) RU_MAJFLT.get(usage, 0L));
        }
    }

    /** sysconf(3). */
    static long sysconf(int name) {
        return call("sysconf", ONCE, state -> (long) SYSCONF.invokeExact(state, name),
                () -> args(name == SC_PAGESIZE ? "_SC_PAGESIZE" : name));
    }

    /** One downcall, given the segment the linker captures {@code errno} into; its result widened to a long. */
    @FunctionalInterface
    private interface Downcall {
        // invokeExact declares Throwable; the handles here throw only unchecked exceptions and errors.
        long invoke(MemorySegment state) throws Throwable;
    }

    /**
     * Makes one libc call that reports failure as -1, and turns a failure into a
     * {@link NativeCallException} naming {@code name}, its {@code arguments} (formatted only then) and
     * the errno captured for this call.
     *
     * @param retryOnEintr whether a call a signal interrupted is made again
     * @return the call's result, never -1
     */
    private static long call(String name, boolean retryOnEintr, Downcall downcall, Supplier<Object[]> arguments) {
        while (true) {
            DOWNCALLS.increment();
            try (Arena frame = Arena.ofConfined()) {
                MemorySegment state = frame.allocate(CAPTURED_STATE);
                long result;
                try {
                    result = downcall.invoke(state);
                } catch (Throwable t) {
                    throw unexpected(t);
                }
                if (result != -1) {
                    return result;
                }
                int errno = errno(state);
                if (!retryOnEintr || errno != Errno.EINTR) {
                    throw failure(name, errno, arguments.get());
                }
            }
        }
    }

    private static Object[] args(Object... arguments) {
        return arguments;
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /** The single mapping from a failed call to the exception callers see. */
    private static NativeCallException failure(String call, int errno, Object... arguments) {
        StringJoiner joined = new StringJoiner(", ");
        for (Object argument : arguments) {
            joined.add(String.valueOf(argument));
        }
        return new NativeCallException(call, joined.toString(), errno);
    }

    private static RuntimeException unexpected(Throwable t) {
        if (t instanceof RuntimeException runtime) {
            return runtime;
        }
        if (t instanceof Error error) {
            throw error;
        }
        return new IllegalStateException("downcall threw a checked exception", t);
    }

    /** An address as the kernel prints it, e.g. {@code 0x7f12a0000000}. */
    static String hex(long address) {
        return "0x" + Long.toHexString(address);
    }

    static String adviceName(int advice) {
        return switch (advice) {
            case MADV_RANDOM -> "MADV_RANDOM";
            case MADV_DONTNEED -> "MADV_DONTNEED";
            case MADV_FREE -> "MADV_FREE";
            case MADV_REMOVE -> "MADV_REMOVE";
            case MADV_HUGEPAGE -> "MADV_HUGEPAGE";
            case MADV_COLD -> "MADV_COLD";
            case MADV_PAGEOUT -> "MADV_PAGEOUT";
            default -> String.valueOf(advice);
        };
    }

    static String protNames(int prot) {
        return prot == PROT_NONE ? "PROT_NONE"
                : bitNames(prot, new int[] {PROT_READ, PROT_WRITE}, new String[] {"PROT_READ", "PROT_WRITE"});
    }

    static String mapNames(int flags) {
        return bitNames(flags,
                new int[] {MAP_SHARED, MAP_PRIVATE, MAP_FIXED, MAP_ANONYMOUS, MAP_NORESERVE},
                new String[] {"MAP_SHARED", "MAP_PRIVATE", "MAP_FIXED", "MAP_ANONYMOUS", "MAP_NORESERVE"});
    }

    static String fallocNames(int mode) {
        return bitNames(mode, new int[] {FALLOC_FL_KEEP_SIZE, FALLOC_FL_PUNCH_HOLE},
                new String[] {"FALLOC_FL_KEEP_SIZE", "FALLOC_FL_PUNCH_HOLE"});
    }

    static String openNames(int flags) {
        return bitNames(flags, new int[] {O_RDWR, O_CREAT, O_CLOEXEC}, new String[] {"O_RDWR", "O_CREAT", "O_CLOEXEC"});
    }

    /** Joins the names of the set bits with '|', and any bits without a name in hex. */
    private static String bitNames(int value, int[] bits, String[] names) {
        StringJoiner joined = new StringJoiner("|");
        int rest = value;
        for (int i = 0; i < bits.length; i++) {
            if ((value & bits[i]) != 0) {
                joined.add(names[i]);
                rest &= ~bits[i];
            }
        }
        if (rest != 0 || value == 0) {
            joined.add("0x" + Integer.toHexString(rest));
        }
        return joined.toString();
    }
}

package io.hmapstore.table;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Descriptor of the segments' seqlock stamps, which live in this process's heap: a {@code long[]} made
 * by {@link #allocate} and held by the table, one stamp per {@value #STRIDE} longs. A stamp is even while
 * its segment is stable and odd while a write is under way. A writer takes it from even to odd by
 * {@link #cas} (a volatile read-modify-write, so no data store of its section is seen before it) and back
 * to even by {@link #setRelease} (every data store is seen before it); an optimistic reader loads it with
 * {@link #getAcquire}, reads, and compares it again after an acquire fence ({@link #getOpaque}), as
 * {@code StampedLock} does.
 *
 * <pre>
 *   long index  0       1 ... 15     16      17 ... 31     ...
 *              +-------+----------+-------+-----------+
 *              | seg 0 | (unused) | seg 1 | (unused)  |  ...   128 bytes a segment
 *              +-------+----------+-------+-----------+
 * </pre>
 *
 * <p>Why not in the mapped segment header, where earlier versions kept it. Only the process that holds a
 * file's lock opens it, and a stamp means nothing at rest, so nothing outside this process needs it. A
 * lookup reads it twice (read and validate); from a Java array each read is one array load instead of a
 * mapped-memory access with its bounds, alignment and liveness checks, and it no longer waits on the
 * mapping's load. {@code getLong}'s miss, as C2 compiles it, went from 232 instructions to 199
 * ({@code benchmarks/hot-path.sh}). The stride keeps two segments' stamps off one cache line and one
 * adjacent-line prefetch pair, so writers on different segments do not slow each other.
 */
final class SegmentStamps {
    /** Longs from one segment's stamp to the next: 128 bytes. */
    static final int STRIDE = 16;

    private static final VarHandle STAMP = MethodHandles.arrayElementVarHandle(long[].class);

    private SegmentStamps() {
    }

    /** @return the stamps of {@code segments} segments, all 0 (stable) */
    static long[] allocate(int segments) {
        return new long[segments * STRIDE];
    }

    static long getVolatile(long[] stamps, int seg) {
        return (long) STAMP.getVolatile(stamps, seg * STRIDE);
    }

    static long getAcquire(long[] stamps, int seg) {
        return (long) STAMP.getAcquire(stamps, seg * STRIDE);
    }

    /** Opaque: for the second read of a seqlock validation, after the caller's acquire fence. */
    static long getOpaque(long[] stamps, int seg) {
        return (long) STAMP.getOpaque(stamps, seg * STRIDE);
    }

    static boolean cas(long[] stamps, int seg, long expected, long value) {
        return STAMP.compareAndSet(stamps, seg * STRIDE, expected, value);
    }

    static void setRelease(long[] stamps, int seg, long value) {
        STAMP.setRelease(stamps, seg * STRIDE, value);
    }
}

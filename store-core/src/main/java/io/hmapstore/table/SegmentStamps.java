package io.hmapstore.table;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Each segment's seqlock stamp, in this process's heap: even while the segment is stable, odd while a
 * write is under way. A writer takes it from even to odd by {@link #cas} (a volatile read-modify-write,
 * so no data store of its section is seen before it) and back to even by {@link #setRelease} (every data
 * store is seen before it); an optimistic reader loads it with {@link #getAcquire}, reads, and compares
 * it again after an acquire fence ({@link #getOpaque}), as {@code StampedLock} does.
 *
 * <p>Why here and not in the mapped segment header. Only the process that holds a file's lock opens it,
 * and a stamp means nothing at rest (recovery used to reset it), so nothing outside this process ever
 * needs it. A lookup reads it twice (read and validate); from a Java array each read is one array load
 * instead of a mapped-memory access with its bounds, alignment and liveness checks, and it no longer
 * waits on the mapping's load. {@code getLong}'s miss, as C2 compiles it, went from 251 instructions to
 * 199 (see {@code benchmarks/README.md}).
 *
 * <p>Layout: one stamp per {@value #STRIDE} longs (128 bytes), so two segments' stamps never share a
 * cache line or an adjacent-line prefetch pair, and two writers on different segments do not slow each
 * other.
 */
final class SegmentStamps {
    /** Longs from one segment's stamp to the next. */
    static final int STRIDE = 16;

    private static final VarHandle STAMP = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] stamps;

    SegmentStamps(int segments) {
        this.stamps = new long[segments * STRIDE];
    }

    long getVolatile(int seg) {
        return (long) STAMP.getVolatile(stamps, seg * STRIDE);
    }

    long getAcquire(int seg) {
        return (long) STAMP.getAcquire(stamps, seg * STRIDE);
    }

    /** Opaque: for the second read of a seqlock validation, after the caller's acquire fence. */
    long getOpaque(int seg) {
        return (long) STAMP.getOpaque(stamps, seg * STRIDE);
    }

    boolean cas(int seg, long expected, long value) {
        return STAMP.compareAndSet(stamps, seg * STRIDE, expected, value);
    }

    void setRelease(int seg, long value) {
        STAMP.setRelease(stamps, seg * STRIDE, value);
    }
}

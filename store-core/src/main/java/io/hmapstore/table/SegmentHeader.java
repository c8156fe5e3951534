package io.hmapstore.table;

import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * Descriptor of a segment header: one per segment, one cache line each, packed after the store header.
 * A segment is one Go {@code hmap}.
 *
 * <pre>
 *   0               8               16              24              32
 *   +---------------+---------------+---------------+---------------+
 *   | stamp     u64 | count     u64 | buckets   u64 | oldbuckets u64|
 *   +---------------+---------------+---------------+---------------+
 *   | nevacuate u64 | generation u64| noverflow u32 |B u8|oldB u8|pad|
 *   +---------------+---------------+---------------+---------------+
 *   32              40              48         52    53     54     64
 * </pre>
 *
 * <ul>
 *   <li>{@code stamp}: a seqlock. Even while stable; a writer makes it odd on entry and even again on
 *       exit. A reader that sees an odd stamp, or a different stamp after reading, raced a writer.</li>
 *   <li>{@code buckets}: region offset of the current bucket array; 0 while the segment is unmade
 *       (Go's {@code h.buckets == nil}).</li>
 *   <li>{@code oldbuckets}: the array being evacuated, 0 when not growing. {@code oldB} is its log2
 *       size: {@code B-1} while doubling, {@code B} for a same-size grow, {@code B+1} while
 *       shrinking.</li>
 *   <li>{@code nevacuate}: every old bucket below it has been evacuated.</li>
 *   <li>{@code generation}: bumped whenever memory reachable through this segment moves or is freed;
 *       views of inline values hold it as their stamp.</li>
 *   <li>{@code noverflow}: overflow buckets owned by the segment (old and new arrays); it also bounds
 *       the length of any chain, so a cyclic chain is caught.</li>
 * </ul>
 */
final class SegmentHeader {
    static final long SIZE = 64;

    static final long STAMP = 0;
    static final long COUNT = 8;
    static final long BUCKETS = 16;
    static final long OLDBUCKETS = 24;
    static final long NEVACUATE = 32;
    static final long GENERATION = 40;
    static final long NOVERFLOW = 48;
    static final long LOG2_BUCKETS = 52;
    static final long OLD_LOG2_BUCKETS = 53;

    /** Acquire/release and CAS access to {@code stamp}: coordinates (MemorySegment, long offset). */
    static final VarHandle STAMP_HANDLE = ValueLayout.JAVA_LONG.varHandle();

    private SegmentHeader() {
    }
}

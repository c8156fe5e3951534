package io.hmapstore.table;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Descriptor of a segment header: one per segment, one cache line each, packed after the store header.
 * A segment is one Go {@code hmap}. Every access to a header field goes through an accessor here,
 * given the region {@code m} and the header's offset {@code h} ({@link HashTable#header}); the memory
 * order is in the accessor's name ({@code package-info.java} has the legend).
 *
 * <pre>
 *   0               8               16              24              32
 *   +---------------+---------------+---------------+---------------+
 *   | unused    u64 | count     u64 | buckets   u64 | oldbuckets u64|
 *   +---------------+---------------+---------------+---------------+
 *   | nevacuate u64 | generation u64| noverflow u32 |B u8|oldB u8|pad|
 *   +---------------+---------------+---------------+---------------+
 *   32              40              48         52    53     54     64
 * </pre>
 *
 * <ul>
 *   <li>{@code unused}: held the segment's seqlock stamp in earlier versions, which left it
 *       meaningless at rest. The stamp lives in the process now ({@link SegmentStamp}); nothing reads
 *       this field.</li>
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
 *   <li>{@code B}, {@code oldB}: log2 of the arrays' bucket counts, at most
 *       {@link HashTable#MAX_LOG2_BUCKETS}. Read as signed bytes, so a damaged byte above 127 reads
 *       negative and fails the same range check.</li>
 * </ul>
 *
 * <p>Publication rules. The segment's stamp ({@link SegmentStamp}) orders a write section against
 * optimistic readers. Every field here is plain and written only by the segment's writer. A grow
 * stores, with a store-store fence between each, {@code oldB} and {@code nevacuate}, then
 * {@code oldbuckets = buckets}, then {@code B}, then {@code buckets}: a crash that leaves
 * {@code oldbuckets == buckets} is a grow recovery rolls back, and once {@code buckets} names the new
 * array the grow is complete and recovery finishes the evacuation. {@code count} is stored after the
 * slot's tophash, so it never counts a slot that is not published.
 */
public final class SegmentHeader {
    public static final long SIZE = 64;

    public static final long COUNT = 8;
    public static final long BUCKETS = 16;
    static final long OLDBUCKETS = 24;
    static final long NEVACUATE = 32;
    static final long GENERATION = 40;
    public static final long NOVERFLOW = 48;
    static final long LOG2_BUCKETS = 52;
    static final long OLD_LOG2_BUCKETS = 53;

    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;

    private SegmentHeader() {
    }

    /* --- Field offsets in the region, for messages and probes --- */

    static long countOffset(long h) {
        return h + COUNT;
    }

    static long bucketsOffset(long h) {
        return h + BUCKETS;
    }

    static long oldBucketsOffset(long h) {
        return h + OLDBUCKETS;
    }

    static long noverflowOffset(long h) {
        return h + NOVERFLOW;
    }

    static long log2BucketsOffset(long h) {
        return h + LOG2_BUCKETS;
    }

    static long oldLog2BucketsOffset(long h) {
        return h + OLD_LOG2_BUCKETS;
    }

    /* --- plain fields, written by the segment's writer only --- */

    static long count(MemorySegment m, long h) {
        return m.get(LONG, h + COUNT);
    }

    static void setCount(MemorySegment m, long h, long value) {
        m.set(LONG, h + COUNT, value);
    }

    static long buckets(MemorySegment m, long h) {
        return m.get(LONG, h + BUCKETS);
    }

    static void setBuckets(MemorySegment m, long h, long value) {
        m.set(LONG, h + BUCKETS, value);
    }

    static long oldBuckets(MemorySegment m, long h) {
        return m.get(LONG, h + OLDBUCKETS);
    }

    static void setOldBuckets(MemorySegment m, long h, long value) {
        m.set(LONG, h + OLDBUCKETS, value);
    }

    static long nevacuate(MemorySegment m, long h) {
        return m.get(LONG, h + NEVACUATE);
    }

    static void setNevacuate(MemorySegment m, long h, long value) {
        m.set(LONG, h + NEVACUATE, value);
    }

    static long generation(MemorySegment m, long h) {
        return m.get(LONG, h + GENERATION);
    }

    static void setGeneration(MemorySegment m, long h, long value) {
        m.set(LONG, h + GENERATION, value);
    }

    /** One more move or free of memory reachable through the segment: views holding the old one go stale. */
    static void bumpGeneration(MemorySegment m, long h) {
        m.set(LONG, h + GENERATION, m.get(LONG, h + GENERATION) + 1);
    }

    static int noverflow(MemorySegment m, long h) {
        return m.get(INT, h + NOVERFLOW);
    }

    static void setNoverflow(MemorySegment m, long h, int value) {
        m.set(INT, h + NOVERFLOW, value);
    }

    /** @return {@code B} as a signed byte, unchecked (see the class javadoc) */
    static int log2Buckets(MemorySegment m, long h) {
        return m.get(BYTE, h + LOG2_BUCKETS);
    }

    static void setLog2Buckets(MemorySegment m, long h, int value) {
        m.set(BYTE, h + LOG2_BUCKETS, (byte) value);
    }

    /** @return {@code oldB} as a signed byte, unchecked */
    static int oldLog2Buckets(MemorySegment m, long h) {
        return m.get(BYTE, h + OLD_LOG2_BUCKETS);
    }

    static void setOldLog2Buckets(MemorySegment m, long h, int value) {
        m.set(BYTE, h + OLD_LOG2_BUCKETS, (byte) value);
    }

    /** Zeroes the whole header. Plain: only while no other thread can see the segment. */
    static void zero(MemorySegment m, long h) {
        m.asSlice(h, SIZE).fill((byte) 0);
    }
}

package io.hmapstore.table;

import java.lang.foreign.MemorySegment;

/**
 * Each segment's bucket array as the short lookup ({@link HashTable#findInlineLong}) reads it: checked
 * once, when a writer changes it or the store opens, instead of on every lookup. A lookup then reads
 * one Java object for what was three header fields and four range checks.
 *
 * <p>The stamp protects it. A writer publishes the array its segment ends with before it releases the
 * stamp ({@link HashTable#endWrite}), so a reader whose stamp validates used the array that goes with the
 * header it saw: a publication during its read changed the stamp, and the read is retried. Only a
 * segment that is not growing and whose array passed {@link HashTable#arrayOk} has one; the others,
 * and a reader whose mapping is older than the array (its end past the mapping's), take the general
 * lookup, which checks every field as it reads it.
 */
final class BucketArrays {

    /**
     * A checked bucket array.
     *
     * @param buckets its region offset
     * @param mask its bucket count minus one
     * @param end the offset just past its last bucket
     */
    record Array(long buckets, long mask, long end) {
    }

    private final HashTable table;
    /** Written by a segment's writer before it releases the stamp; read by lookups after they read the stamp. */
    private final Array[] arrays;

    BucketArrays(HashTable table) {
        this.table = table;
        this.arrays = new Array[table.segments];
    }

    /**
     * @return every segment's checked array by segment, the array {@link #publish} writes: null where a
     *     lookup must take the general path
     */
    Array[] all() {
        return arrays;
    }

    /** Checks segment {@code seg}'s header as it is now and publishes its array, or none. */
    void publish(MemorySegment m, int seg) {
        long h = table.header(seg);
        long buckets = SegmentHeader.buckets(m, h);
        int log2 = SegmentHeader.log2Buckets(m, h);
        if (buckets == 0 || SegmentHeader.oldBuckets(m, h) != 0 || !HashTable.log2InRange(log2)
                || !table.arrayOk(m, buckets, log2)) {
            arrays[seg] = null;
            return;
        }
        Array current = arrays[seg];
        if (current == null || current.buckets() != buckets || current.mask() != HashTable.mask(log2)) {
            arrays[seg] = new Array(buckets, HashTable.mask(log2), buckets + (table.layout.size << log2));
        }
    }

    /** Publishes every segment's array, when the store has opened (and recovered). */
    void publishAll(MemorySegment m) {
        for (int s = 0; s < arrays.length; s++) {
            publish(m, s);
        }
    }
}

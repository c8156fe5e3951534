package io.hmapstore.table;

import java.lang.foreign.MemorySegment;

/**
 * Each segment's bucket array as the short lookup ({@link HashTable#findInlineLong}) reads it: checked
 * once, when a writer changes it or the store opens, instead of on every lookup, and kept beside the
 * segment's stamp ({@link SegmentStamp}). A lookup then reads two fields of an object it already holds
 * for what was three header fields and four range checks.
 *
 * <p>The stamp protects it. A writer publishes the array its segment ends with before it releases the
 * stamp ({@link HashTable#endWrite}), so a reader whose stamp validates used the array that goes with the
 * header it saw: a publication during its read changed the stamp, and the read is retried. Only a
 * segment that is not growing and whose array passed {@link HashTable#arrayOk} has one; the others take
 * the general lookup, which checks every field as it reads it.
 */
final class BucketArrays {
    private final HashTable table;

    BucketArrays(HashTable table) {
        this.table = table;
    }

    /** Checks segment {@code seg}'s header as it is now and publishes its array, or none. */
    void publish(MemorySegment m, int seg) {
        long h = table.header(seg);
        long buckets = SegmentHeader.buckets(m, h);
        int log2 = SegmentHeader.log2Buckets(m, h);
        boolean ok = buckets != 0 && SegmentHeader.oldBuckets(m, h) == 0 && HashTable.log2InRange(log2)
                && table.arrayOk(m, buckets, log2);
        table.stamp(seg).setArray(ok ? buckets : 0, ok ? HashTable.mask(log2) : 0);
    }

    /** Publishes every segment's array, when the store has opened (and recovered). */
    void publishAll(MemorySegment m) {
        for (int s = 0; s < table.segments; s++) {
            publish(m, s);
        }
    }
}

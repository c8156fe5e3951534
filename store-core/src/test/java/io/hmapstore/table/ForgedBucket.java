package io.hmapstore.table;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A bucket forged where none belongs (in the store header page, say), holding one long key and value,
 * and a full bucket's overflow link aimed at it: what a flipped byte in a link could make.
 */
final class ForgedBucket {
    private ForgedBucket() {
    }

    /**
     * Writes a bucket at {@code at} whose slot 0 holds {@code key → value}, and links bucket {@code bucket}
     * of segment 0's array to it.
     */
    static void linkFrom(MemorySegment m, HashTable t, long bucket, long at, long key, long value, long seed) {
        m.set(ValueLayout.JAVA_BYTE, at, (byte) BucketLayout.tophash(Hashing.ofLong(key, seed)));
        m.set(ValueLayout.JAVA_LONG_UNALIGNED, t.layout.keyAt(at, 0), key);
        m.set(ValueLayout.JAVA_LONG_UNALIGNED, t.layout.valueAt(at, 0), value);
        long array = m.get(ValueLayout.JAVA_LONG, t.header(0) + SegmentHeader.BUCKETS);
        m.set(ValueLayout.JAVA_LONG, array + bucket * t.layout.size + t.layout.overflow, at);
    }
}

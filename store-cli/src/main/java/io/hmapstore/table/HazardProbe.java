package io.hmapstore.table;

import io.hmapstore.OffHeapMap;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Support for {@code hmapstore hazards}: where a store keeps a segment's header, bucket array and a
 * key's bucket, so that the command can damage memory as a stray write or a flipped byte in a file
 * would, and look at where an unguarded write landed. It lives in {@code io.hmapstore.table} (a
 * split package on the class path, which the shaded jar makes one), as store-jcstress's
 * {@code SegmentProbe} does, because these are internals that no public API should expose. Not
 * part of hmapstore: every offset it returns is a region offset (a file offset for a file store).
 */
public final class HazardProbe {
    private final TableStore<?, ?> store;
    private final HashTable table;

    /**
     * @param store a store opened by {@code OffHeapMap.of(...).open()}
     */
    public HazardProbe(OffHeapMap<?, ?> store) {
        this.store = (TableStore<?, ?>) store;
        this.table = this.store.table();
    }

    /** @return the store's whole memory; writing to it corrupts the store, which is the point here */
    public MemorySegment memory() {
        return store.memory();
    }

    /** @return where segment 0's header starts: everything before it is the store's own header page */
    public long headersStart() {
        return table.header(0);
    }

    /** @return the offset of segment {@code seg}'s {@code count} field */
    public long countField(int seg) {
        return table.header(seg) + SegmentHeader.COUNT;
    }

    /** @return the offset of segment {@code seg}'s {@code noverflow} field (it bounds every chain) */
    public long overflowCountField(int seg) {
        return table.header(seg) + SegmentHeader.NOVERFLOW;
    }

    /** @return segment {@code seg}'s bucket array, 0 while the segment is unmade */
    public long bucketArray(int seg) {
        return store.memory().get(ValueLayout.JAVA_LONG, table.header(seg) + SegmentHeader.BUCKETS);
    }

    /** @return the segment a {@code longs()} key belongs to */
    public int segmentOf(long key) {
        return table.segmentOf(table.hashOfLong(key));
    }

    /** @return the bucket index a {@code longs()} key takes in its segment's current array */
    public long bucketOf(long key) {
        long hash = table.hashOfLong(key);
        return hash & ((1L << table.log2Buckets(table.segmentOf(hash))) - 1);
    }

    /** @return the tophash byte a {@code longs()} key is stored under */
    public int tophashOf(long key) {
        return BucketLayout.tophash(table.hashOfLong(key));
    }

    /** @return the size of one bucket, in bytes */
    public long bucketSize() {
        return table.layout.size;
    }

    /** @return the offset of a bucket's overflow link, from the bucket's start */
    public long overflowLink() {
        return table.layout.overflow;
    }

    /** @return the offset of key slot {@code slot} of the bucket at {@code bucket} */
    public long keyAt(long bucket, int slot) {
        return table.layout.keyAt(bucket, slot);
    }

    /** @return the offset of value slot {@code slot} of the bucket at {@code bucket} */
    public long valueAt(long bucket, int slot) {
        return table.layout.valueAt(bucket, slot);
    }

    /** @return whether a tophash byte marks a live slot (Go's {@code minTopHash} and above) */
    public static boolean isLive(int tophash) {
        return tophash >= BucketLayout.MIN_TOPHASH;
    }

    /** @return how many slots a bucket has */
    public static int slots() {
        return BucketLayout.SLOTS;
    }

    /** @return the size of a segment header; a file's headers start at its second page, one after another */
    public static long segmentHeaderSize() {
        return SegmentHeader.SIZE;
    }

    /** @return where a segment header's seqlock stamp is (odd while a write is under way) */
    public static long stampField() {
        return SegmentHeader.STAMP;
    }

    /** @return the offset of a keyLength u32 in an entry; the value length and the bytes follow (EntryLayout) */
    public static long entryData() {
        return EntryLayout.DATA;
    }
}

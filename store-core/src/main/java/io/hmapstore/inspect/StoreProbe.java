package io.hmapstore.inspect;

import io.hmapstore.OffHeapMap;
import io.hmapstore.memory.MappedRegion;
import io.hmapstore.store.TableStore;
import io.hmapstore.table.BucketLayout;
import io.hmapstore.table.EntryLayout;
import io.hmapstore.table.HashTable;
import io.hmapstore.table.SegmentHeader;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A look inside an open store, for tools, benchmarks and tests rather than applications: its region
 * (residency, release), whether opening recovered it, and where its table keeps a segment's header,
 * bucket array and a key's bucket, so that {@code hmapstore hazards} can damage memory as a stray write
 * or a flipped byte in a file would and then look at where an unguarded write landed.
 *
 * <p>Every offset returned is a region offset (a file offset for a file-backed store). Writing through
 * {@link #memory()} or {@link #region()} bypasses every guard: that is what this class is for, and why
 * no application should need it. Its methods follow the file format of the release they ship in and
 * may change with it; the rest of {@code io.hmapstore} is the stable API.
 */
public final class StoreProbe {
    private final TableStore<?, ?> store;
    private final HashTable table;

    private StoreProbe(TableStore<?, ?> store) {
        this.store = store;
        this.table = store.table();
    }

    /**
     * @param store a store opened by {@code OffHeapMap.of(...).open()}
     * @return a probe of it
     * @throws IllegalArgumentException if {@code store} is another implementation of {@link OffHeapMap}
     */
    public static StoreProbe of(OffHeapMap<?, ?> store) {
        if (!(store instanceof TableStore<?, ?> opened)) {
            throw new IllegalArgumentException("not a store opened by OffHeapMap.of(...).open(): "
                    + (store == null ? "null" : store.getClass().getName()));
        }
        return new StoreProbe(opened);
    }

    /** @return the store's mapping: resident bytes, release, huge-page advice */
    public MappedRegion region() {
        return store.region();
    }

    /** @return the store's whole memory; writing to it corrupts the store, which is the point here */
    public MemorySegment memory() {
        return store.memory();
    }

    /** @return whether opening found the store's file dirty (not closed cleanly) and recovered it */
    public boolean wasRecovered() {
        return store.wasRecovered();
    }

    /** @return where segment 0's header starts: everything before it is the store's own header page */
    public long headersStart() {
        return table.header(0);
    }

    /**
     * @param seg a segment index
     * @return the offset of segment {@code seg}'s {@code count} field
     */
    public long countField(int seg) {
        return table.header(seg) + SegmentHeader.COUNT;
    }

    /**
     * @param seg a segment index
     * @return the offset of segment {@code seg}'s {@code noverflow} field (it bounds every chain)
     */
    public long overflowCountField(int seg) {
        return table.header(seg) + SegmentHeader.NOVERFLOW;
    }

    /**
     * @param seg a segment index
     * @return segment {@code seg}'s bucket array, 0 while the segment is unmade
     */
    public long bucketArray(int seg) {
        return store.memory().get(ValueLayout.JAVA_LONG, table.header(seg) + SegmentHeader.BUCKETS);
    }

    /**
     * @param key a key of a {@code Codecs.longs()} store
     * @return the segment it belongs to
     */
    public int segmentOf(long key) {
        return table.segmentOf(table.hashOfLong(key));
    }

    /**
     * @param key a key of a {@code Codecs.longs()} store
     * @return the bucket index it takes in its segment's current array
     */
    public long bucketOf(long key) {
        long hash = table.hashOfLong(key);
        return hash & ((1L << table.log2Buckets(table.segmentOf(hash))) - 1);
    }

    /**
     * @param key a key of a {@code Codecs.longs()} store
     * @return the tophash byte it is stored under
     */
    public int tophashOf(long key) {
        return BucketLayout.tophash(table.hashOfLong(key));
    }

    /**
     * The first {@code count} keys from {@code from} upwards that share {@code anchor}'s segment, so a
     * test can grow one segment on purpose.
     *
     * @param anchor the key whose segment the others must share
     * @param from the first candidate
     * @param count how many keys
     * @return the keys, ascending
     */
    public long[] keysBesides(long anchor, long from, int count) {
        int segment = segmentOf(anchor);
        long[] keys = new long[count];
        int n = 0;
        for (long k = from; n < count; k++) {
            if (k != anchor && segmentOf(k) == segment) {
                keys[n++] = k;
            }
        }
        return keys;
    }

    /** @return the size of one bucket, in bytes */
    public long bucketSize() {
        return table.layout.size;
    }

    /** @return the offset of a bucket's overflow link, from the bucket's start */
    public long overflowLink() {
        return table.layout.overflow;
    }

    /**
     * @param bucket a bucket's offset
     * @param slot a slot index, below {@link #slots()}
     * @return the offset of that slot's key
     */
    public long keyAt(long bucket, int slot) {
        return table.layout.keyAt(bucket, slot);
    }

    /**
     * @param bucket a bucket's offset
     * @param slot a slot index, below {@link #slots()}
     * @return the offset of that slot's value
     */
    public long valueAt(long bucket, int slot) {
        return table.layout.valueAt(bucket, slot);
    }

    /**
     * @param tophash a tophash byte, unsigned
     * @return whether it marks a live slot (Go's {@code minTopHash} and above)
     */
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

    /** @return the offset of an entry's key length (a u32); the value length and the bytes follow */
    public static long entryData() {
        return EntryLayout.DATA;
    }
}

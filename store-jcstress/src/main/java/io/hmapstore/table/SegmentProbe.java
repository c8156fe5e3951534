package io.hmapstore.table;

import io.hmapstore.OffHeapMap;

/**
 * Test support for the jcstress module: which segment a {@code longs()} key lands in, so a test can
 * pick keys that all grow one segment. It lives in {@code io.hmapstore.table} (a split package on the
 * class path, which the shaded jar makes one) because the hash and the segment split are internals
 * that no public API should expose. Not part of hmapstore.
 */
public final class SegmentProbe {
    private SegmentProbe() {
    }

    /**
     * The segment {@code key} belongs to in {@code store}.
     *
     * @param store a store opened by {@code OffHeapMap.of(Codecs.longs(), ...)}
     * @param key the key
     * @return its segment index
     */
    public static int segmentOf(OffHeapMap<Long, ?> store, long key) {
        HashTable table = ((TableStore<Long, ?>) store).table();
        return table.segmentOf(table.hashOfLong(key));
    }

    /**
     * The first {@code count} keys from {@code from} upwards that share {@code anchor}'s segment.
     *
     * @param store the store whose seed and segment count decide
     * @param anchor the key whose segment the others must share
     * @param from the first candidate
     * @param count how many keys
     * @return the keys, ascending
     */
    public static long[] keysBesides(OffHeapMap<Long, ?> store, long anchor, long from, int count) {
        int segment = segmentOf(store, anchor);
        long[] keys = new long[count];
        int n = 0;
        for (long k = from; n < count; k++) {
            if (k != anchor && segmentOf(store, k) == segment) {
                keys[n++] = k;
            }
        }
        return keys;
    }
}

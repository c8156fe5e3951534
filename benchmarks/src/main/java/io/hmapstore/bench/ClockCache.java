package io.hmapstore.bench;

import java.util.Arrays;

/**
 * CLOCK (second chance) over a fixed number of frames, as operating systems approximate LRU for pages: a
 * hit sets the frame's reference bit; to make room, a hand sweeps the frames, clearing set bits and evicting
 * the first frame whose bit was already clear.
 *
 * <p>Implementation notes. Keys map to frames through an open-addressing table of {@code long} keys with
 * linear probing and backward-shift deletion, so the replay allocates nothing per access and the policy,
 * not a {@code HashMap}, is what a run measures. Key {@link Long#MIN_VALUE} marks an empty table cell and
 * cannot be cached.
 */
final class ClockCache {
    private static final long EMPTY = Long.MIN_VALUE;

    private final long[] frames;
    private final boolean[] referenced;
    private final long[] tableKeys;
    private final int[] tableFrames;
    private final int mask;
    private int used;
    private int hand;

    /** @param capacity frames, at least 1 */
    ClockCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        frames = new long[capacity];
        referenced = new boolean[capacity];
        int cells = Integer.highestOneBit(capacity * 2 - 1) * 2;   // load factor at most 1/2
        tableKeys = new long[cells];
        Arrays.fill(tableKeys, EMPTY);
        tableFrames = new int[cells];
        mask = cells - 1;
    }

    /**
     * Looks {@code key} up and, on a miss, caches it.
     *
     * @param key any key but {@link Long#MIN_VALUE}
     * @return whether it was cached
     */
    boolean access(long key) {
        int cell = find(key);
        if (tableKeys[cell] == key) {
            referenced[tableFrames[cell]] = true;
            return true;
        }
        int frame;
        if (used < frames.length) {
            frame = used++;
        } else {
            while (referenced[hand]) {
                referenced[hand] = false;
                hand = (hand + 1) % frames.length;
            }
            frame = hand;
            hand = (hand + 1) % frames.length;
            delete(frames[frame]);
            cell = find(key);   // the deletion may have shifted cells
        }
        frames[frame] = key;
        referenced[frame] = false;   // a new page starts unreferenced: it must be hit to get a second chance
        tableKeys[cell] = key;
        tableFrames[cell] = frame;
        return false;
    }

    /** @return keys cached */
    int size() {
        return used;
    }

    /** The cell holding {@code key}, or the empty cell where it would go. */
    private int find(long key) {
        int i = spread(key) & mask;
        while (tableKeys[i] != EMPTY && tableKeys[i] != key) {
            i = (i + 1) & mask;
        }
        return i;
    }

    private void delete(long key) {
        int i = find(key);
        assert tableKeys[i] == key : "frame key " + key + " missing from the table";
        // backward-shift deletion: pull later entries of the probe run into the gap, so no tombstones
        int gap = i;
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            if (tableKeys[j] == EMPTY) {
                break;
            }
            int home = spread(tableKeys[j]) & mask;
            // move j into the gap unless its home lies cyclically in (gap, j]
            boolean homeBetween = gap <= j ? gap < home && home <= j : gap < home || home <= j;
            if (!homeBetween) {
                tableKeys[gap] = tableKeys[j];
                tableFrames[gap] = tableFrames[j];
                gap = j;
            }
        }
        tableKeys[gap] = EMPTY;
    }

    private static int spread(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}

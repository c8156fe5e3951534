package io.hmapstore.store;

import io.hmapstore.table.BucketLayout;
import java.util.Arrays;

/**
 * The eviction queues of a bounded store: S3-FIFO.
 *
 * <p>Implementation notes. S3-FIFO [1] keeps a small FIFO (a tenth of the capacity) that new entries
 * enter, a main FIFO for the rest, and a ghost FIFO remembering recently evicted keys. An entry
 * leaving the small queue moves to the main one if it was read while there, else it is evicted and
 * remembered by the ghost; a new entry whose key the ghost remembers goes straight to main. An entry
 * leaving the main queue is reinserted, one frequency step lower, if it was read, else evicted. Most
 * one-hit wonders are thus evicted quickly from the small queue, which makes the policy
 * scan-resistant, while it stays a handful of FIFO operations, with no list to relink on a hit.
 *
 * <p>Here the frequency (0 to 3) lives in the entry's bucket slot ({@link BucketLayout}), where a read
 * finds it anyway. The queues hold 64-bit key hashes, the one name of an entry that survives
 * evacuation and value updates; popping one looks the entry up by hash. Entries removed by the user
 * leave their hash behind in a queue; it is skipped when popped. The ghost is a direct-mapped table
 * of hashes: an approximation of a FIFO set that forgets on collision, bounded and O(1).
 *
 * <p>This class only orders hashes; {@link CacheBounds} runs the eviction loop against the table, one
 * segment at a time. All methods are called with this object's monitor held.
 *
 * <p>[1] Juncheng Yang, Yazhuo Zhang, Ziyue Qiu, Yao Yue, Rashmi Vinayak. "FIFO queues are all you
 * need for cache eviction". SOSP 2023.
 */
final class S3Fifo {
    private final long capacity;
    private final LongRing small = new LongRing();
    private final LongRing main = new LongRing();
    private final long[] ghost;

    /** @param capacity the entry bound, or an estimate of it */
    S3Fifo(long capacity) {
        this.capacity = Math.max(1, capacity);
        int ghostSize = Integer.highestOneBit((int) Math.min(1 << 26, Math.max(16, this.capacity)) * 2 - 1);
        this.ghost = new long[ghostSize];
    }

    /** Queues a newly inserted key: into main if the ghost remembers it, else into small. */
    void inserted(long hash) {
        int at = ghostIndex(hash);
        if (ghost[at] == hash) {
            ghost[at] = 0;
            main.push(hash);
        } else {
            small.push(hash);
        }
    }

    /** @return whether the next candidate comes from the small queue (it is over its tenth, or main is empty) */
    boolean fromSmall() {
        return !small.isEmpty() && (small.size() * 10 >= capacity || main.isEmpty());
    }

    /** @return the next candidate's hash, or 0 when both queues are empty */
    long next(boolean fromSmall) {
        LongRing q = fromSmall ? small : main;
        return q.isEmpty() ? 0 : q.pop();
    }

    /** A small-queue entry that was read moves to main. */
    void promote(long hash) {
        main.push(hash);
    }

    /** A main-queue entry that was read goes round once more. */
    void reinsert(long hash) {
        main.push(hash);
    }

    /** An entry evicted from the small queue is remembered. */
    void remember(long hash) {
        ghost[ghostIndex(hash)] = hash;
    }

    /** @return hashes queued, live or stale */
    long queued() {
        return small.size() + main.size();
    }

    void clear() {
        small.clear();
        main.clear();
        Arrays.fill(ghost, 0);
    }

    private int ghostIndex(long hash) {
        return (int) (hash ^ (hash >>> 29)) & (ghost.length - 1);
    }

    /** A growable ring of longs, so queues box nothing. */
    private static final class LongRing {
        private long[] items = new long[64];
        private int head;
        private int size;

        void push(long v) {
            if (size == items.length) {
                long[] bigger = new long[items.length * 2];
                for (int i = 0; i < size; i++) {
                    bigger[i] = items[(head + i) & (items.length - 1)];
                }
                items = bigger;
                head = 0;
            }
            items[(head + size++) & (items.length - 1)] = v;
        }

        long pop() {
            long v = items[head];
            head = (head + 1) & (items.length - 1);
            size--;
            return v;
        }

        int size() {
            return size;
        }

        boolean isEmpty() {
            return size == 0;
        }

        void clear() {
            head = 0;
            size = 0;
        }
    }
}

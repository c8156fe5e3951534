package io.hmapstore.jcache;

import java.util.Arrays;
import java.util.Collection;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The striped locks that guard a cache's keys: each key is guarded by one of {@value #STRIPES}
 * locks, chosen by the hash of its encoded bytes, so keys equal for the store share a lock.
 *
 * <p>Implementation notes. An operation holds its key's stripe from its read through the writer
 * call, the store update and the synchronous listeners, which is what makes {@code putIfAbsent},
 * {@code replace}, {@code invoke} and friends atomic with their write-through and keeps a key's
 * events in order. Operations on many keys take their stripes in ascending order
 * ({@link #lockAll}), so two of them cannot deadlock; releasing goes in the opposite order.
 */
final class KeyStripes {
    static final int STRIPES = 64;

    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];

    KeyStripes() {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    private static int index(byte[] keyBytes) {
        int h = Arrays.hashCode(keyBytes);
        return (h ^ (h >>> 16)) & (STRIPES - 1);
    }

    /** @return the lock that guards the key with these encoded bytes */
    ReentrantLock of(byte[] keyBytes) {
        return stripes[index(keyBytes)];
    }

    /**
     * Locks the stripes of many keys in ascending order (so two such calls cannot deadlock).
     *
     * @return the stripes held, for {@link #unlockAll}
     */
    int[] lockAll(Collection<byte[]> keys) {
        boolean[] wanted = new boolean[STRIPES];
        for (byte[] k : keys) {
            wanted[index(k)] = true;
        }
        int[] held = new int[STRIPES];
        int n = 0;
        try {
            for (int i = 0; i < STRIPES; i++) {
                if (wanted[i]) {
                    stripes[i].lock();
                    held[n++] = i;
                }
            }
        } catch (RuntimeException | Error e) {
            unlockAll(Arrays.copyOf(held, n));
            throw e;
        }
        return Arrays.copyOf(held, n);
    }

    /** Locks every stripe, which waits out every operation in flight. @return for {@link #unlockAll} */
    int[] lockEverything() {
        int[] all = new int[STRIPES];
        for (int i = 0; i < STRIPES; i++) {
            stripes[i].lock();
            all[i] = i;
        }
        return all;
    }

    /** Releases what {@link #lockAll} or {@link #lockEverything} took. */
    void unlockAll(int[] held) {
        for (int i = held.length - 1; i >= 0; i--) {
            stripes[held[i]].unlock();
        }
    }
}

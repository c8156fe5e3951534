package io.hmapstore.jcstress;

import io.hmapstore.Codecs;
import io.hmapstore.Concurrency;
import io.hmapstore.OffHeapMap;
import io.hmapstore.inspect.StoreProbe;

/**
 * The stores the jcstress tests race on. jcstress makes one state (so one store) per test instance
 * and keeps thousands alive at once, so each store is as small as it can be: no entries expected
 * (every segment starts with one bucket), 4 MiB of address space instead of the default 64 GiB, and
 * the state's {@code @Arbiter} closes it.
 */
final class Stores {
    /** Fixed, so the keys that share a segment are the same in every store. */
    static final long SEED = 0x5EED_1234_ABCDL;
    private static final long RESERVE = 4L << 20;

    private Stores() {
    }

    static OffHeapMap<Long, Long> longs() {
        return OffHeapMap.of(Codecs.longs(), Codecs.longs()).concurrency(Concurrency.CONCURRENT)
                .expectedEntries(0).seed(SEED).reserveBytes(RESERVE).open();
    }

    static OffHeapMap<Long, byte[]> bytes() {
        return OffHeapMap.of(Codecs.longs(), Codecs.bytes()).concurrency(Concurrency.CONCURRENT)
                .expectedEntries(0).seed(SEED).reserveBytes(RESERVE).open();
    }

    /**
     * {@code count} keys in {@code anchor}'s segment of a {@link #longs()} store, computed on a probe
     * store of this JVM (the segment count follows the processors this JVM sees).
     */
    static long[] keysBesides(long anchor, int count) {
        try (OffHeapMap<Long, Long> probe = longs()) {
            return StoreProbe.of(probe).keysBesides(anchor, 1_000, count);
        }
    }
}

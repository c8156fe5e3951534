package io.hmapstore.bench;

import java.util.SplittableRandom;

/**
 * The keys a benchmark stores and the order it visits them in, drawn before anything is measured.
 *
 * <p>The store holds keys {@link #key(long) key(0..size-1)}; absent keys are {@code key(size..2·size-1)};
 * keys never stored before are {@link #freshKey(int, long)}. {@code key} is a bijection of the 64-bit
 * integers (SplitMix64's finaliser), so every key is distinct, random-looking, and made without a set.
 *
 * <p>A stream is {@code length} draws of key indexes, {@code uniform} (independent, equally likely) or
 * {@code zipf} (θ = 0.99, ranks scattered over the indexes so that popular keys are not the ones stored
 * first). The streams hold the keys themselves, and a {@code Long} for each made in stream order, so a
 * benchmark reads them sequentially (prefetched) and never waits for a random read of its own key array;
 * {@code ConcurrentHashMap} and the boxed API get keys boxed in advance. {@link #percent} is an independent
 * uniform draw in {@code [0, 100)} per position, to choose reads or writes in a mix.
 */
public final class KeyStreams {

    /** Key distributions. */
    public enum Dist {
        /** Every stored key equally likely. */
        uniform,
        /** Zipf, θ = 0.99 (YCSB's default). */
        zipf
    }

    /** Zipf skew. */
    public static final double THETA = 0.99;

    private static KeyStreams cached;

    /** Entries stored. */
    public final int size;
    /** The distribution of {@link #hits} and {@link #misses}. */
    public final Dist dist;
    /** Stored keys, in visiting order. */
    public final long[] hits;
    /** {@link #hits}, boxed; a fresh {@code Long} each, allocated in order. */
    public final Long[] boxedHits;
    /** Absent keys, in visiting order (under zipf the same few absent keys come back often). */
    public final long[] misses;
    /** {@link #misses}, boxed. */
    public final Long[] boxedMisses;
    /** A uniform percentile per position. */
    public final byte[] percent;
    /** {@code length - 1}; the length is a power of two. */
    public final int mask;

    private KeyStreams(int size, Dist dist) {
        this.size = size;
        this.dist = dist;
        int length = streamLength(size);
        mask = length - 1;
        hits = new long[length];
        boxedHits = new Long[length];
        misses = new long[length];
        boxedMisses = new Long[length];
        percent = new byte[length];
        SplittableRandom random = new SplittableRandom(42);
        Zipf zipf = dist == Dist.zipf ? new Zipf(size, THETA) : null;
        for (int i = 0; i < length; i++) {
            hits[i] = key(index(zipf, random, size));
            boxedHits[i] = hits[i];
            misses[i] = key(size + index(zipf, random, size));
            boxedMisses[i] = misses[i];
            percent[i] = (byte) random.nextInt(100);
        }
    }

    /**
     * @param size entries stored
     * @param dist the distribution
     * @return the streams, shared with the previous caller when {@code size} and {@code dist} match (JMH
     *     runs with {@code -f 0} visit many benchmarks in one JVM)
     */
    public static synchronized KeyStreams of(int size, Dist dist) {
        if (cached == null || cached.size != size || cached.dist != dist) {
            cached = null;
            cached = new KeyStreams(size, dist);
        }
        return cached;
    }

    /** @return four draws per stored key, at least 2^16 and at most 2^22, a power of two */
    static int streamLength(int size) {
        long wanted = Math.max(1L << 16, Math.min(1L << 22, 4L * size));
        return (int) (Long.highestOneBit(wanted - 1) << 1);
    }

    private static long index(Zipf zipf, SplittableRandom random, int size) {
        if (zipf == null) {
            return random.nextInt(size);
        }
        // 2654435761 is a prime above any int size, so multiplying by it permutes [0, size).
        return zipf.next(random) * 2654435761L % size;
    }

    /**
     * @param index a key index
     * @return the key: SplitMix64's finaliser of {@code index + 1}, a bijection, so distinct indexes give
     *     distinct keys
     */
    public static long key(long index) {
        long z = index + 1;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /**
     * @param thread the thread's index
     * @param n the thread's count of fresh keys so far
     * @return a key no stored or absent key equals (indexes from 2^40, 2^36 apart per thread)
     */
    public static long freshKey(int thread, long n) {
        return key((1L << 40) + ((long) thread << 36) + n);
    }
}

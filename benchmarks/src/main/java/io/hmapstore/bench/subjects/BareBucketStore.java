package io.hmapstore.bench.subjects;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The floor (issue 17): a bare Go-style {@code hmap} table in one off-heap {@link MemorySegment}, doing
 * what hmapstore's lookup does and nothing else, so that every run shows what hmapstore's safety costs
 * next to it. {@code 2^B} buckets of 8 slots, sized up front for the expected entries at Go's load
 * factor (6.5 a bucket); no growth. Each bucket is one 8-byte tophash word (8 tophash bytes), 8 slots
 * of the key beside its value, and an overflow link:
 *
 * <pre>
 *   0           8                          8 + 8 * slot
 *   +-----------+---------+----------+ ... +--------------+
 *   |tophash[8] | key u64 | value    | ... | overflow u64 |     slot = 8 + value bytes (16 or 108)
 *   +-----------+---------+----------+ ... +--------------+
 * </pre>
 *
 * <p>The same hash as hmapstore ({@link #hash}, a copy of {@code io.hmapstore.table.Hashing.ofLong}), its
 * tophash values (Go's: 0 {@code emptyRest}, 1 {@code emptyOne}, from 5 the hash's top byte) and its
 * tophash-word scan (SWAR: the tophash byte matched in all 8 bytes of the word at once). A full chain
 * takes an overflow bucket from a bump allocator in the area after the bucket array (never freed: a
 * chain keeps its overflow buckets, as Go's map does); the area is sized for the overflow a table at
 * that load has (twice the expected number under a uniform hash, by the Poisson law) plus an eighth of
 * the entries a caller says may come beyond the expected ones ({@code capacity}); when it is used up a
 * put throws. Deletion is Go's {@code mapdelete}: {@code emptyOne}, and a trailing run of empties turned
 * into {@code emptyRest}.
 *
 * <p>No checks (no bounds read from memory, no chain limit, no corruption detection), no segments, no
 * seqlock stamp, no locks, no codecs: one thread only ({@link Subject#concurrentWrites()} is false). A
 * {@link ValueKind#BYTES100} get copies the 100 bytes out into the handle's reused segment, as
 * hmapstore's {@code get(MemorySegment, MemorySegment)} does; a put copies them in.
 */
final class BareBucketStore implements Store {

    static final int SLOTS = 8;
    static final int EMPTY_REST = 0;
    static final int EMPTY_ONE = 1;
    static final int MIN_TOPHASH = 5;
    /** Go's load factor, 13/2 entries a bucket, as hmapstore's {@code HashTable.LOAD_NUM/LOAD_DEN}. */
    private static final long LOAD_NUM = 13;
    private static final long LOAD_DEN = 2;

    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG;
    private static final ValueLayout.OfLong SLOT_LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;
    private static final long BYTES_01 = 0x0101_0101_0101_0101L;
    private static final long BYTES_7F = 0x7F7F_7F7F_7F7F_7F7FL;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment m;
    private final ValueKind kind;
    private final int valueBytes;
    private final long slotBytes;
    private final long overflowAt;
    private final long bucketBytes;
    private final long mask;
    private final long seed;
    private final long limit;
    private long nextFree;
    private long count;
    /** The one handle open, or null: a second one is refused, as a single-writer store refuses a second writer. */
    private Handle open;

    /**
     * @param kind the values
     * @param expectedEntries what the bucket array is sized for
     * @param capacity the most entries the store may be asked to hold; beyond {@code expectedEntries} they
     *     go to overflow buckets
     * @param seed the hash seed
     */
    BareBucketStore(ValueKind kind, long expectedEntries, long capacity, long seed) {
        this.kind = kind;
        this.seed = seed;
        valueBytes = kind.bytes();
        slotBytes = Long.BYTES + valueBytes;
        overflowAt = Long.BYTES + SLOTS * slotBytes;
        bucketBytes = overflowAt + Long.BYTES;
        int log2 = log2Buckets(expectedEntries);
        long buckets = 1L << log2;
        mask = buckets - 1;
        long overflowBuckets = overflowBuckets(log2, expectedEntries, Math.max(expectedEntries, capacity));
        nextFree = buckets * bucketBytes;
        limit = (buckets + overflowBuckets) * bucketBytes;
        m = arena.allocate(limit, 64); // zeroed: every tophash emptyRest, every link none
    }

    /** @return the smallest {@code B} whose {@code 2^B} buckets hold {@code entries} under Go's load factor */
    static int log2Buckets(long entries) {
        int log2 = 0;
        while (entries > SLOTS && entries > LOAD_NUM * ((1L << log2) / LOAD_DEN)) {
            log2++;
        }
        return log2;
    }

    /**
     * The bump allocator's room: twice the overflow buckets {@code expected} entries need on average over
     * {@code 2^log2} buckets (a bucket holding {@code n} needs {@code ceil(n/8) - 1}, {@code n} Poisson),
     * plus 64, plus an eighth of the entries beyond {@code expected}; never more than {@code capacity / 8
     * + 1}, which is enough for any spread of {@code capacity} distinct keys.
     */
    static long overflowBuckets(int log2, long expected, long capacity) {
        double lambda = (double) expected / (1L << log2);
        // E[ceil(X/8) - 1; X > 8] = sum over k >= 1 of P(X > 8k)
        double p = Math.exp(-lambda);
        double cdf = p;
        double perBucket = 0;
        for (int n = 1; n < 64 * SLOTS; n++) {
            p *= lambda / n;
            cdf += p;
            if (n % SLOTS == 0) {
                double tail = 1 - cdf;
                if (tail < 1e-12) {
                    break;
                }
                perBucket += tail;
            }
        }
        long probable = (long) Math.ceil(2 * perBucket * (1L << log2)) + 64 + (capacity - expected + SLOTS - 1) / SLOTS;
        return Math.min(probable, capacity / SLOTS + 1);
    }

    /**
     * The hash hmapstore gives a {@code long} key: a copy of {@code io.hmapstore.table.Hashing.ofLong}
     * (package-private in store-core), one multiply-rotate round of the key then MurmurHash3's
     * {@code fmix64}. {@code BareBucketStoreTest} checks it against the original while that exists.
     */
    static long hash(long key, long seed) {
        long h = seed ^ (8 * 0x9E3779B185EBCA87L);
        h = Long.rotateLeft(h ^ (key * 0xC2B2AE3D27D4EB4FL), 31) * 0x9E3779B185EBCA87L;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /** @return the hash's top byte as a tophash, moved above the empty markers as Go does */
    static int tophash(long hash) {
        int top = (int) (hash >>> 56);
        return top < MIN_TOPHASH ? top + MIN_TOPHASH : top;
    }

    /** 0x80 in every byte of {@code x} that is zero, 0 elsewhere; exact, as hmapstore's {@code BucketLayout.zeroBytes}. */
    private static long zeroBytes(long x) {
        return ~(((x & BYTES_7F) + BYTES_7F) | x | BYTES_7F);
    }

    /** 0x80 in every byte that is {@code emptyRest} or {@code emptyOne}. */
    private static long emptyBytes(long x) {
        return zeroBytes(x & ~BYTES_01);
    }

    private long keyAt(long b, int i) {
        return b + Long.BYTES + i * slotBytes;
    }

    /** @return the offset of key {@code key}'s slot, or -1 */
    long find(long key) {
        long hash = hash(key, seed);
        long topBytes = tophash(hash) * BYTES_01;
        long b = (hash & mask) * bucketBytes;
        while (true) {
            long word = m.get(WORD, b);
            for (long matches = zeroBytes(word ^ topBytes); matches != 0; matches &= matches - 1) {
                long k = keyAt(b, Long.numberOfTrailingZeros(matches) >>> 3);
                if (m.get(SLOT_LONG, k) == key) {
                    return k;
                }
            }
            if (zeroBytes(word) != 0) {
                return -1; // an emptyRest: nothing live after it in the chain
            }
            b = m.get(WORD, b + overflowAt);
            if (b == 0) {
                return -1;
            }
        }
    }

    /** @return the offset of key {@code key}'s slot, its key written and its tophash set: the caller writes the value */
    long slotFor(long key) {
        long hash = hash(key, seed);
        int top = tophash(hash);
        long topBytes = top * BYTES_01;
        long b = (hash & mask) * bucketBytes;
        long insertB = -1;
        int insertI = 0;
        while (true) {
            long word = m.get(WORD, b);
            for (long matches = zeroBytes(word ^ topBytes); matches != 0; matches &= matches - 1) {
                long k = keyAt(b, Long.numberOfTrailingZeros(matches) >>> 3);
                if (m.get(SLOT_LONG, k) == key) {
                    return k;
                }
            }
            long empties = emptyBytes(word);
            if (empties != 0 && insertB < 0) {
                insertB = b;
                insertI = Long.numberOfTrailingZeros(empties) >>> 3;
            }
            if (zeroBytes(word) != 0) {
                break;
            }
            long next = m.get(WORD, b + overflowAt);
            if (next == 0) {
                break;
            }
            b = next;
        }
        if (insertB < 0) {
            if (nextFree + bucketBytes > limit) {
                throw new IllegalStateException("BareBucket is full: its overflow area (sized up front, no growth)"
                        + " is used up at " + count + " entries");
            }
            insertB = nextFree;
            nextFree += bucketBytes;
            m.set(WORD, b + overflowAt, insertB);
            insertI = 0;
        }
        long k = keyAt(insertB, insertI);
        m.set(SLOT_LONG, k, key);
        m.set(BYTE, insertB + insertI, (byte) top);
        count++;
        return k;
    }

    /** @return whether {@code key} was there */
    boolean delete(long key) {
        long hash = hash(key, seed);
        long topBytes = tophash(hash) * BYTES_01;
        long start = (hash & mask) * bucketBytes;
        long b = start;
        while (true) {
            long word = m.get(WORD, b);
            for (long matches = zeroBytes(word ^ topBytes); matches != 0; matches &= matches - 1) {
                int i = Long.numberOfTrailingZeros(matches) >>> 3;
                if (m.get(SLOT_LONG, keyAt(b, i)) == key) {
                    m.set(BYTE, b + i, (byte) EMPTY_ONE);
                    markEmptyRest(start, b, i);
                    count--;
                    return true;
                }
            }
            if (zeroBytes(word) != 0) {
                return false;
            }
            b = m.get(WORD, b + overflowAt);
            if (b == 0) {
                return false;
            }
        }
    }

    /** Go's {@code mapdelete} tail: if slot (b, i) now ends the chain's live slots, its run of empties becomes {@code emptyRest}. */
    private void markEmptyRest(long start, long b, int i) {
        if (i == SLOTS - 1) {
            long next = m.get(WORD, b + overflowAt);
            if (next != 0 && m.get(BYTE, next) != EMPTY_REST) {
                return;
            }
        } else if (m.get(BYTE, b + i + 1) != EMPTY_REST) {
            return;
        }
        while (true) {
            m.set(BYTE, b + i, (byte) EMPTY_REST);
            if (i == 0) {
                if (b == start) {
                    return;
                }
                long prev = start;
                while (m.get(WORD, prev + overflowAt) != b) {
                    prev = m.get(WORD, prev + overflowAt);
                }
                b = prev;
                i = SLOTS - 1;
            } else {
                i--;
            }
            if (m.get(BYTE, b + i) != EMPTY_ONE) {
                return;
            }
        }
    }

    /** @return the table's memory, for tests */
    MemorySegment memory() {
        return m;
    }

    /** @return the live entries */
    long size() {
        return count;
    }

    /**
     * @return a handle; one at a time, so a second thread (JMH's {@code -t 2}) fails at once instead of
     *     corrupting the table, whose torn links could loop a chain for ever
     * @throws IllegalStateException if a handle is open
     */
    @Override
    public synchronized Handle handle() {
        if (open != null) {
            throw new IllegalStateException("BareBucket is single-threaded: one handle at a time (use it with one thread)");
        }
        open = kind == ValueKind.LONG ? new Longs() : new Segments();
        return open;
    }

    private synchronized void closed(Handle h) {
        if (open == h) {
            open = null;
        }
    }

    /** The whole segment: the bucket array and the overflow area, allocated (and zeroed) up front. */
    @Override
    public long offHeapBytes() {
        return limit;
    }

    @Override
    public synchronized void close() {
        if (open != null) {
            open.close();
        }
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }

    /** {@code long→long}: the value read and written in place. */
    private final class Longs implements Handle {
        @Override
        public long get(long key, Long boxedKey) {
            long k = find(key);
            return k < 0 ? ABSENT : m.get(SLOT_LONG, k + Long.BYTES);
        }

        @Override
        public void put(long key, Long boxedKey, long value) {
            m.set(SLOT_LONG, slotFor(key) + Long.BYTES, value);
        }

        @Override
        public boolean remove(long key, Long boxedKey) {
            return delete(key);
        }

        @Override
        public void close() {
            closed(this);
        }
    }

    /** {@code long→byte[100]}: the value copied out into, and in from, the handle's reused segments. */
    private final class Segments implements Handle {
        private final Arena own = Arena.ofShared();
        private final MemorySegment value = own.allocate(valueBytes);
        private final MemorySegment out = own.allocate(valueBytes);

        Segments() {
            value.copyFrom(MemorySegment.ofArray(Payloads.payload(valueBytes)));
        }

        @Override
        public long get(long key, Long boxedKey) {
            long k = find(key);
            if (k < 0) {
                return ABSENT;
            }
            MemorySegment.copy(m, k + Long.BYTES, out, 0, valueBytes);
            return out.get(SLOT_LONG, 0);
        }

        @Override
        public void put(long key, Long boxedKey, long stamp) {
            value.set(SLOT_LONG, 0, stamp);
            MemorySegment.copy(value, 0, m, slotFor(key) + Long.BYTES, valueBytes);
        }

        @Override
        public boolean remove(long key, Long boxedKey) {
            return delete(key);
        }

        @Override
        public void close() {
            closed(this);
            if (own.scope().isAlive()) {
                own.close();
            }
        }
    }
}

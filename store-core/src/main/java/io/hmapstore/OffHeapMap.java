package io.hmapstore;

import io.hmapstore.memory.ReleasePolicy;
import io.hmapstore.store.StoreConfig;
import io.hmapstore.store.Stores;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Objects;
import java.util.concurrent.ConcurrentMap;

/**
 * A hash map whose entries live off the Java heap, in memory-mapped segments laid out as Go's runtime
 * {@code hmap}: buckets of eight slots with tophash bytes, overflow buckets, and incremental doubling.
 *
 * <pre>{@code
 * try (OffHeapMap<Long, String> users = OffHeapMap.of(Codecs.longs(), Codecs.utf8())
 *         .expectedEntries(1_000_000)
 *         .releasePolicy(ReleasePolicy.DONTNEED)
 *         .concurrency(Concurrency.SINGLE_WRITER)
 *         .open()) {
 *     users.put(42L, "alice");
 * }
 * }</pre>
 *
 * <p>The whole {@link ConcurrentMap} contract holds: null keys and values are rejected with
 * {@link NullPointerException}; iteration is weakly consistent and returns every entry present
 * from its start to its end exactly once, even while the table grows or shrinks. Using a closed map
 * throws {@link IllegalStateException}.
 *
 * @param <K> key type
 * @param <V> value type
 */
public interface OffHeapMap<K, V> extends ConcurrentMap<K, V>, AutoCloseable {

    /**
     * Starts building a store.
     *
     * @param keys the key codec
     * @param values the value codec
     * @param <K> key type
     * @param <V> value type
     * @return a builder with the defaults: anonymous memory, {@link Concurrency#CONCURRENT},
     *     {@link ReleasePolicy#DONTNEED} ({@link ReleasePolicy#PUNCH_HOLE} with {@code persistTo}),
     *     every guard on
     */
    static <K, V> Builder<K, V> of(Codec<K> keys, Codec<V> values) {
        return new Builder<>(keys, values);
    }

    /**
     * The value of a {@code longs()→longs()} store, allocating nothing.
     *
     * @param key the key
     * @param absent returned when the key is absent
     * @return the value, or {@code absent}
     * @throws UnsupportedOperationException if either codec is not {@link Codecs#longs()}
     */
    long getLong(long key, long absent);

    /**
     * Stores a value in a {@code longs()→longs()} store, allocating nothing.
     *
     * @param key the key
     * @param value the value
     * @throws UnsupportedOperationException if either codec is not {@link Codecs#longs()}
     */
    void putLong(long key, long value);

    /**
     * Looks up by encoded key bytes and copies the encoded value into {@code valueOut}, allocating
     * nothing.
     *
     * @param key the key's encoded bytes (all of the segment)
     * @param valueOut receives the value's encoded bytes from offset 0
     * @return whether the key was present
     * @throws IndexOutOfBoundsException if the value is longer than {@code valueOut}
     */
    boolean get(MemorySegment key, MemorySegment valueOut);

    /**
     * Stores encoded bytes, allocating nothing on the Java heap.
     *
     * @param key the key's encoded bytes (all of the segment)
     * @param value the value's encoded bytes (all of the segment)
     * @throws IllegalArgumentException if a fixed-size codec's size does not match
     */
    void put(MemorySegment key, MemorySegment value);

    /**
     * Removes by encoded key bytes, allocating nothing.
     *
     * @param key the key's encoded bytes
     * @return whether a mapping was removed
     */
    boolean remove(MemorySegment key);

    /**
     * A zero-copy handle on the value stored for {@code key}.
     *
     * @param key the key
     * @return the view, or {@code null} when the key is absent
     */
    ValueView view(K key);

    /**
     * Stores a value that expires {@code expireAfterWrite} from now, whatever the store's default.
     *
     * @param key the key
     * @param value the value
     * @param expireAfterWrite how long the entry lives; positive
     * @return the previous value, or null
     */
    V put(K key, V value, java.time.Duration expireAfterWrite);

    /** @return hits, misses, evictions, expirations and load, as a cache reports them */
    CacheStats cacheStats();

    /**
     * Does now what the store otherwise does a little on every write: removes expired entries, frees
     * retired memory that no reader can see any more, and finishes a compaction under way or one the
     * heap's fragmentation asks for ({@link #compact()}).
     */
    void cleanUp();

    /**
     * Compacts the entry heap now: live entries (and overflow buckets) in slabs at most three quarters
     * in use move into dense ones, and the emptied slabs go to the release policy, so memory follows
     * the data after mass deletes. Writes do the same a little at a time, on their own, whenever at least
     * half the slab bytes are free; this does a whole run at once, taking each segment's write lock in
     * turn. Concurrent readers see each entry in its old place or its new one; a {@link ValueView} of a
     * moved entry goes stale, as after an update. {@link StoreStats#fragmentation()} and
     * {@link StoreStats#compactedBytes()} show the effect.
     */
    void compact();

    /** @return a snapshot of the store's shape and memory */
    StoreStats stats();

    /**
     * Checks every bucket, chain, offset and entry, like {@code fsck}.
     *
     * @return what was checked and every problem found
     */
    VerifyReport verify();

    /** Makes every write durable against power loss ({@code msync}); a no-op for anonymous stores. */
    void sync();

    /** @return whether {@link #close()} has run */
    boolean isClosed();

    /** Unmaps the store's memory. Idempotent; afterwards every method throws {@link IllegalStateException}. */
    @Override
    void close();

    /**
     * Configures and opens an {@link OffHeapMap}.
     *
     * @param <K> key type
     * @param <V> value type
     */
    final class Builder<K, V> {
        private final Codec<K> keys;
        private final Codec<V> values;
        private long expectedEntries = 1024;
        private ReleasePolicy releasePolicy;
        private Concurrency concurrency = Concurrency.CONCURRENT;
        private Path file;
        private final EnumSet<Guard> disabledGuards = EnumSet.noneOf(Guard.class);
        private WriteGuard<? super K, ? super V> writeGuard;
        private long seed = Double.doubleToLongBits(Math.random()) ^ System.nanoTime();
        private long reserveBytes = 64L << 30;
        private boolean verifyReuse;
        private boolean hugePages;
        private long maxEntries;
        private long maxBytes;
        private java.time.Duration expireAfterWrite;
        private java.util.function.LongSupplier clock = System::currentTimeMillis;

        private Builder(Codec<K> keys, Codec<V> values) {
            this.keys = Objects.requireNonNull(keys, "keys codec");
            this.values = Objects.requireNonNull(values, "values codec");
        }

        /**
         * A sizing hint, not a limit: the store starts large enough to hold this many entries without growing.
         *
         * @param n entries, at least 0
         * @return this
         */
        public Builder<K, V> expectedEntries(long n) {
            if (n < 0) {
                throw new IllegalArgumentException("expectedEntries must be >= 0, was " + n);
            }
            this.expectedEntries = n;
            return this;
        }

        /**
         * How memory the store gives back is released.
         *
         * @param policy the policy
         * @return this
         */
        public Builder<K, V> releasePolicy(ReleasePolicy policy) {
            this.releasePolicy = Objects.requireNonNull(policy, "releasePolicy");
            return this;
        }

        /**
         * @param mode how many threads may use the store at once
         * @return this
         */
        public Builder<K, V> concurrency(Concurrency mode) {
            this.concurrency = Objects.requireNonNull(mode, "concurrency");
            return this;
        }

        /**
         * Keeps the store in a file.
         *
         * @param path the file; created if absent
         * @return this
         */
        public Builder<K, V> persistTo(Path path) {
            this.file = Objects.requireNonNull(path, "path");
            return this;
        }

        /**
         * Switches guards off so their hazards become visible. For tests, the harness and examples only.
         *
         * @param guards the guards to switch off
         * @return this
         */
        public Builder<K, V> withoutGuards(Guard... guards) {
            for (Guard g : guards) {
                disabledGuards.add(Objects.requireNonNull(g, "guard"));
            }
            return this;
        }

        /**
         * A check run before every write.
         *
         * @param guard the check
         * @return this
         */
        public Builder<K, V> writeGuard(WriteGuard<? super K, ? super V> guard) {
            this.writeGuard = Objects.requireNonNull(guard, "writeGuard");
            return this;
        }

        /**
         * Fixes the hash seed (random by default), for reproducible layouts in tests.
         *
         * @param seed the seed
         * @return this
         */
        public Builder<K, V> seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * The address space reserved for the store; it never grows beyond it (64 GiB by default).
         * Reserving costs no memory.
         *
         * @param bytes bytes of address space
         * @return this
         */
        public Builder<K, V> reserveBytes(long bytes) {
            if (bytes < (1 << 20)) {
                throw new IllegalArgumentException("reserveBytes must be at least 1 MiB, was " + bytes);
            }
            this.reserveBytes = bytes;
            return this;
        }

        /**
         * Checking mode: every reused block is scanned as it is handed out and its non-zero bytes are
         * counted in {@link StoreStats#reusedNonZeroBytes()}. Costs a pass over reused memory; for
         * tests and the harness.
         *
         * @return this
         */
        public Builder<K, V> verifyReuse() {
            this.verifyReuse = true;
            return this;
        }

        /**
         * Bounds the number of entries: past it, writes evict what is least worth keeping (S3-FIFO).
         * The table is sized for the bound up front. Concurrent writers may overshoot it by at most one
         * entry each, for the moment between their insert and their eviction.
         *
         * @param n the most entries kept, at least 1
         * @return this
         */
        public Builder<K, V> maxEntries(long n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxEntries must be at least 1, was " + n);
            }
            this.maxEntries = n;
            return this;
        }

        /**
         * Bounds the store's memory: the region is reserved at this size and never maps more, and a full
         * store evicts (S3-FIFO); a put never fails for want of room. The bound is planned when the store
         * opens ({@link StoreStats#budget()}): the store's headers and a reserve for finishing a growth
         * come out of it first, its table stops growing at the size the rest can hold (and
         * {@code expectedEntries} is trimmed to that), and entries get what is left. A bound too small
         * for an empty store of this shape is refused by {@link #open()}, naming the minimum (about
         * 0.5 MiB with one segment, more with more); an entry larger than a quarter of the entries'
         * share is refused with {@link IllegalArgumentException}, evicting nothing.
         *
         * @param bytes the most bytes mapped, positive
         * @return this
         */
        public Builder<K, V> maxBytes(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("maxBytes must be positive, was " + bytes);
            }
            this.maxBytes = bytes;
            return this;
        }

        /**
         * Entries expire this long after they were written: never returned afterwards, and their memory
         * reclaimed. {@link OffHeapMap#put(Object, Object, java.time.Duration)} sets it per entry.
         *
         * @param duration positive
         * @return this
         */
        public Builder<K, V> expireAfterWrite(java.time.Duration duration) {
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("expireAfterWrite must be positive, was " + duration);
            }
            this.expireAfterWrite = duration;
            return this;
        }

        /**
         * The clock expiry reads, in milliseconds ({@code System::currentTimeMillis} by default), so
         * tests can move time.
         *
         * @param millis the clock
         * @return this
         */
        public Builder<K, V> clock(java.util.function.LongSupplier millis) {
            this.clock = Objects.requireNonNull(millis, "clock");
            return this;
        }

        /**
         * Advises transparent huge pages ({@code MADV_HUGEPAGE}) for the store's tables, which matters
         * where THP runs in {@code madvise} mode: fewer TLB misses on large tables, coarser release.
         *
         * <p>Worth it once the store is about a hundred megabytes or more, read at random: a lookup's
         * misses then each cost a page walk as well, which a 2 MiB page saves. Measured in JMH rounds on
         * a 2-CPU Intel Xeon ({@code benchmarks/README.md}): a hit on 100-byte values copied out took
         * 15 % less time at 1M entries (a store of about 240 MB) and 26 % less at 10M; a {@code getLong}
         * hit 13 % less at 10M; at 1M, where the long store is about 38 MB, no difference. Insertion with
         * growth gained nothing. The costs: memory is taken 2 MiB at a time as the heap grows, and a
         * release smaller than a huge page splits it. Off by default, as in the JDK
         * ({@code -XX:+UseTransparentHugePages}). The advice is for anonymous memory; whether a
         * file-backed store's page cache uses huge pages is up to its filesystem and kernel.
         *
         * @return this
         */
        public Builder<K, V> transparentHugePages() {
            this.hugePages = true;
            return this;
        }

        /**
         * Creates the store (or, with {@link #persistTo}, opens and recovers an existing file).
         *
         * @return the open store
         */
        public OffHeapMap<K, V> open() {
            // Files give disk blocks back by punching holes; anonymous memory by MADV_DONTNEED.
            ReleasePolicy policy = releasePolicy != null ? releasePolicy
                    : file != null ? ReleasePolicy.PUNCH_HOLE : ReleasePolicy.DONTNEED;
            // Mappings come in whole pages: a bound is planned and reserved in the pages it holds.
            long bound = maxBytes / io.hmapstore.memory.MappedRegion.pageSize() * io.hmapstore.memory.MappedRegion.pageSize();
            return Stores.open(new StoreConfig<>(keys, values, expectedEntries, policy, concurrency,
                    disabledGuards.clone(), writeGuard, seed, maxBytes > 0 ? bound : reserveBytes, verifyReuse,
                    hugePages, file, maxEntries, maxBytes > 0 ? Math.max(bound, 1) : 0, expireAfterWrite, clock));
        }
    }
}

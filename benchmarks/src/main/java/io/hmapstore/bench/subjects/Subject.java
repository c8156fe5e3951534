package io.hmapstore.bench.subjects;

import io.hmapstore.Concurrency;

/**
 * The stores compared, as JMH {@code @Param} values (named as Caffeine's {@code CacheType} names its
 * subjects, so that results read {@code subject=ChronicleMap}). All are configured alike: sized for the
 * same number of entries, without durability beyond the page cache, with {@code long} keys.
 *
 * <ul>
 *   <li>{@link #BareBucket}: the floor, a bare Go-style bucket table in one off-heap segment, with
 *       hmapstore's hash and tophash scan and none of its checks, segments, stamp or locks (one thread);
 *   <li>{@code Hmap*}: hmapstore through its zero-allocation paths ({@code getLong/putLong} for
 *       {@code long→long}, {@code get/put/remove(MemorySegment)} for 100-byte values), anonymous or
 *       file-backed ({@code persistTo} a temporary file, deleted afterwards), in each concurrency mode,
 *       and with transparent huge pages;
 *   <li>{@link #HmapPresized}: {@link #Hmap} sized for the capacity Chronicle Map and LMDB are given
 *       (their room for put-new's new keys), so that put-new does not grow it: put-new with the peers'
 *       sizing, where {@link #Hmap} shows it with growth;
 *   <li>{@link #HmapBoxed}: the same store through the boxed {@code Map} API;
 *   <li>{@link #ConcurrentHashMap}: the heap's map, keys boxed in advance;
 *   <li>{@link #Caffeine}: Caffeine's bounded heap cache, {@code maximumSize} the most entries held;
 *   <li>{@link #EhcacheOffHeap}: Ehcache 3 with its off-heap tier only, sized in MB for the entries;
 *   <li>{@link #ChronicleMap}: in-memory, {@code LongValue} keys, {@code LongValue} or {@code byte[100]}
 *       values read with {@code getUsing} into a reused instance, {@code putReturnsNull} and
 *       {@code removeReturnsNull} so no call allocates a previous value;
 *   <li>{@link #LmdbTxnPerBatch}: lmdbjava, one transaction per batch of {@value LmdbStore#BATCH}
 *       operations of a thread (a read transaction reset and renewed, and a write transaction committed);
 *   <li>{@link #LmdbTxnPerOp}: lmdbjava, a transaction opened and closed (committed) for every operation.
 * </ul>
 */
public enum Subject {
    /** A bare Go-style bucket table in one off-heap segment, no checks and no locks: one thread only. */
    BareBucket,
    /** hmapstore, anonymous memory, {@link Concurrency#CONCURRENT}, zero-allocation paths. */
    Hmap,
    /** hmapstore, anonymous memory, {@link Concurrency#SINGLE_WRITER}: one thread only. */
    HmapSingleWriter,
    /** hmapstore, anonymous memory with {@code MADV_HUGEPAGE}, concurrent. */
    HmapHugePages,
    /** hmapstore mapped {@code MAP_SHARED} from a temporary file, concurrent. */
    HmapFile,
    /** hmapstore mapped from a temporary file, single writer: one thread only. */
    HmapFileSingleWriter,
    /** hmapstore, anonymous, concurrent, sized for the peers' capacity rather than the entries held. */
    HmapPresized,
    /** hmapstore, anonymous, concurrent, through {@code Map.get/put/remove} with boxed keys and values. */
    HmapBoxed,
    /** {@code java.util.concurrent.ConcurrentHashMap}. */
    ConcurrentHashMap,
    /** Caffeine's {@code Cache}, bounded by entry count. */
    Caffeine,
    /** Ehcache 3, its off-heap tier alone. */
    EhcacheOffHeap,
    /** Chronicle Map, in memory. */
    ChronicleMap,
    /** LMDB: one transaction per batch of operations. */
    LmdbTxnPerBatch,
    /** LMDB: one transaction per operation. */
    LmdbTxnPerOp;

    /** @return whether two threads may write at once (false for the single-writer modes and the bare table) */
    public boolean concurrentWrites() {
        return this != HmapSingleWriter && this != HmapFileSingleWriter && this != BareBucket;
    }

    /** @return whether the subject takes boxed keys, so a caller must box a key it makes */
    public boolean boxedKeys() {
        return this == HmapBoxed || this == ConcurrentHashMap || this == Caffeine || this == EhcacheOffHeap;
    }

    /**
     * Opens an empty store.
     *
     * @param kind the values
     * @param expectedEntries the sizing hint every subject gets
     * @param capacity the most entries the store will hold: Chronicle Map, LMDB, Ehcache's pool and
     *     Caffeine's bound are sized for it; the bare table's overflow area has room for it beyond its
     *     bucket array (sized for the hint); hmapstore and {@code ConcurrentHashMap} grow past their hint
     * @return the store
     */
    public Store open(ValueKind kind, long expectedEntries, long capacity) {
        return switch (this) {
            case BareBucket -> new BareBucketStore(kind, expectedEntries, capacity,
                    Double.doubleToLongBits(Math.random()) ^ System.nanoTime());
            case Hmap -> HmapStore.open(kind, expectedEntries, Concurrency.CONCURRENT, false, false, false);
            case HmapSingleWriter -> HmapStore.open(kind, expectedEntries, Concurrency.SINGLE_WRITER, false, false, false);
            case HmapHugePages -> HmapStore.open(kind, expectedEntries, Concurrency.CONCURRENT, false, true, false);
            case HmapFile -> HmapStore.open(kind, expectedEntries, Concurrency.CONCURRENT, true, false, false);
            case HmapFileSingleWriter -> HmapStore.open(kind, expectedEntries, Concurrency.SINGLE_WRITER, true, false, false);
            case HmapPresized -> HmapStore.open(kind, Math.max(expectedEntries, capacity), Concurrency.CONCURRENT, false,
                    false, false);
            case HmapBoxed -> HmapStore.open(kind, expectedEntries, Concurrency.CONCURRENT, false, false, true);
            case ConcurrentHashMap -> new ChmStore(kind, expectedEntries);
            case Caffeine -> new CaffeineStore(kind, Math.max(expectedEntries, capacity));
            case EhcacheOffHeap -> EhcacheStore.open(kind, Math.max(expectedEntries, capacity));
            case ChronicleMap -> ChronicleStore.open(kind, Math.max(expectedEntries, capacity));
            case LmdbTxnPerBatch -> LmdbStore.open(kind, Math.max(expectedEntries, capacity), true);
            case LmdbTxnPerOp -> LmdbStore.open(kind, Math.max(expectedEntries, capacity), false);
        };
    }
}

package io.hmapstore.jcache;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import javax.cache.management.CacheStatisticsMXBean;

/**
 * A cache's counters, registered as {@code javax.cache:type=CacheStatistics,...} while statistics
 * are enabled. {@link LongAdder}s, because every cache operation on every thread bumps one.
 *
 * <p>Evictions are the store's own count (it evicts inside its writes, past {@code maxEntries} or
 * {@code maxBytes}), less those made before the last {@link #clear()} or while statistics were off.
 * Expired entries are expiries, which JCache does not count as evictions.
 *
 * <p>The cache reports through {@link #start()}, {@link #get}, {@link #put} and {@link #removed},
 * which do nothing while statistics are off; a cache reads the clock for a timing only then.
 */
final class HmapStatistics implements CacheStatisticsMXBean {
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder puts = new LongAdder();
    private final LongAdder removals = new LongAdder();
    /** The store's eviction count since it was opened. */
    private LongSupplier storeEvictions = () -> 0;
    /** Store evictions not reported: those before the last clear and those while statistics were off. */
    private long evictionsHidden;
    /** The store's eviction count when statistics were turned off; -1 while they are on (they start off). */
    private long evictionsPausedAt;
    private final LongAdder getNanos = new LongAdder();
    private final LongAdder putNanos = new LongAdder();
    private final LongAdder removeNanos = new LongAdder();
    private volatile boolean enabled;

    void countEvictionsOf(LongSupplier evictions) {
        this.storeEvictions = evictions;
    }

    /** Whether the cache's operations are counted. */
    boolean enabled() {
        return enabled;
    }

    /** Turns counting on or off: evictions made while it is off are not reported. */
    synchronized void enable(boolean on) {
        if (on != enabled) {
            evictionsCounted(on);
        }
        enabled = on;
    }

    private void evictionsCounted(boolean on) {
        if (on && evictionsPausedAt >= 0) {
            evictionsHidden += storeEvictions.getAsLong() - evictionsPausedAt;
            evictionsPausedAt = -1;
        } else if (!on && evictionsPausedAt < 0) {
            evictionsPausedAt = storeEvictions.getAsLong();
        }
    }

    private long storeEvictionsNow() {
        return evictionsPausedAt >= 0 ? evictionsPausedAt : storeEvictions.getAsLong();
    }

    /** @return the start of an operation's timing: the clock while counting, else 0 */
    long start() {
        return enabled ? System.nanoTime() : 0;
    }

    /** Counts a hit or a miss, without timing it (the operation's time is counted elsewhere). */
    void hitOrMiss(boolean hit) {
        if (enabled) {
            (hit ? hits : misses).increment();
        }
    }

    /** Counts a read that found an entry or not, and its time since {@code startNanos}. */
    void get(long startNanos, boolean hit) {
        if (enabled) {
            (hit ? hits : misses).increment();
            getNanos.add(System.nanoTime() - startNanos);
        }
    }

    /** Counts {@code n} puts, if any, and their time since {@code startNanos}. */
    void put(long startNanos, long n) {
        if (enabled && n > 0) {
            puts.add(n);
            putNanos.add(System.nanoTime() - startNanos);
        }
    }

    /** Counts {@code n} removals, if any, and their time since {@code startNanos}. */
    void removed(long startNanos, long n) {
        if (enabled && n > 0) {
            removals.add(n);
            removeNanos.add(System.nanoTime() - startNanos);
        }
    }

    /** Counts the time of a read whose hit or miss was counted already. */
    void getTime(long startNanos) {
        if (enabled) {
            getNanos.add(System.nanoTime() - startNanos);
        }
    }

    @Override
    public void clear() {
        for (LongAdder a : new LongAdder[] {hits, misses, puts, removals, getNanos, putNanos, removeNanos}) {
            a.reset();
        }
        synchronized (this) {
            evictionsHidden = storeEvictionsNow();
        }
    }

    @Override
    public long getCacheHits() {
        return hits.sum();
    }

    @Override
    public float getCacheHitPercentage() {
        long gets = getCacheGets();
        return gets == 0 ? 0f : getCacheHits() * 100f / gets;
    }

    @Override
    public long getCacheMisses() {
        return misses.sum();
    }

    @Override
    public float getCacheMissPercentage() {
        long gets = getCacheGets();
        return gets == 0 ? 0f : getCacheMisses() * 100f / gets;
    }

    @Override
    public long getCacheGets() {
        return getCacheHits() + getCacheMisses();
    }

    @Override
    public long getCachePuts() {
        return puts.sum();
    }

    @Override
    public long getCacheRemovals() {
        return removals.sum();
    }

    @Override
    public synchronized long getCacheEvictions() {
        return storeEvictionsNow() - evictionsHidden;
    }

    @Override
    public float getAverageGetTime() {
        return micros(getNanos.sum(), getCacheGets());
    }

    @Override
    public float getAveragePutTime() {
        return micros(putNanos.sum(), getCachePuts());
    }

    @Override
    public float getAverageRemoveTime() {
        return micros(removeNanos.sum(), getCacheRemovals());
    }

    /** JCache reports average times in microseconds. */
    private static float micros(long nanos, long count) {
        return count == 0 ? 0f : nanos / 1000f / count;
    }
}

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

    void countEvictionsOf(LongSupplier evictions) {
        this.storeEvictions = evictions;
    }

    /** Statistics were turned on or off: evictions made while they are off are not reported. */
    synchronized void evictionsCounted(boolean on) {
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

    void hit() {
        hits.increment();
    }

    void miss() {
        misses.increment();
    }

    void puts(long n) {
        puts.add(n);
    }

    void removals(long n) {
        removals.add(n);
    }

    void getTime(long startNanos) {
        getNanos.add(System.nanoTime() - startNanos);
    }

    void putTime(long startNanos) {
        putNanos.add(System.nanoTime() - startNanos);
    }

    void removeTime(long startNanos) {
        removeNanos.add(System.nanoTime() - startNanos);
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

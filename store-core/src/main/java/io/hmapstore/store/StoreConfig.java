package io.hmapstore.store;

import io.hmapstore.Codec;
import io.hmapstore.Concurrency;
import io.hmapstore.Guard;
import io.hmapstore.WriteGuard;
import io.hmapstore.memory.ReleasePolicy;
import java.util.Set;

/**
 * Everything {@link io.hmapstore.OffHeapMap.Builder} collected, handed to the store in one piece.
 *
 * @param keys key codec
 * @param values value codec
 * @param expectedEntries sizing hint
 * @param releasePolicy how retired memory is given back
 * @param concurrency threading mode
 * @param disabledGuards guards switched off (tests and examples only)
 * @param writeGuard user check before writes, or null
 * @param seed hash seed
 * @param reserveBytes address space reserved for the region
 * @param verifyReuse checking mode: count non-zero bytes in reused memory
 * @param hugePages advise transparent huge pages for the heap
 * @param file the store's file, or null for an anonymous store
 * @param maxEntries entry bound, 0 for none
 * @param maxBytes memory bound, 0 for none
 * @param expireAfterWrite default time to live, or null
 * @param clock milliseconds, for expiry
 * @param <K> key type
 * @param <V> value type
 */
public record StoreConfig<K, V>(
        Codec<K> keys,
        Codec<V> values,
        long expectedEntries,
        ReleasePolicy releasePolicy,
        Concurrency concurrency,
        Set<Guard> disabledGuards,
        WriteGuard<? super K, ? super V> writeGuard,
        long seed,
        long reserveBytes,
        boolean verifyReuse,
        boolean hugePages,
        java.nio.file.Path file,
        long maxEntries,
        long maxBytes,
        java.time.Duration expireAfterWrite,
        java.util.function.LongSupplier clock) {

    /** @return whether a bound makes the store evict */
    public boolean evicting() {
        return maxEntries > 0 || maxBytes > 0;
    }

    /** @return whether any entry can expire: a default was set (per-entry expiry needs this too) */
    public boolean expiring() {
        return expireAfterWrite != null;
    }

    /**
     * @param guard a guard
     * @return whether it is on
     */
    public boolean guarded(Guard guard) {
        return !disabledGuards.contains(guard);
    }
}

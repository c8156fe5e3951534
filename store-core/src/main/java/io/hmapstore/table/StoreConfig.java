package io.hmapstore.table;

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
        java.nio.file.Path file) {

    /**
     * @param guard a guard
     * @return whether it is on
     */
    public boolean guarded(Guard guard) {
        return !disabledGuards.contains(guard);
    }
}

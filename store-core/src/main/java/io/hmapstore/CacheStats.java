package io.hmapstore;

/**
 * How a store is doing as a cache, counted since it was opened.
 *
 * @param hits lookups that found a live entry
 * @param misses lookups that found nothing, or only an expired entry
 * @param evictions entries removed to stay within {@code maxEntries} or {@code maxBytes}
 * @param expirations entries removed because their time ran out
 * @param puts entries written
 * @param entries entries now, counting expired ones that no write or {@code cleanUp()} has removed yet
 * @param maxEntries the entry bound, or 0 for none
 * @param maxBytes the memory bound, or 0 for none
 * @param bytesInUse bytes of the store's heap in use now
 * @param mappedBytes bytes of the store's region mapped now: never more than {@code maxBytes} when that is set
 *     (cheap to read, unlike {@link StoreStats}, so a caller can watch the bound as it writes)
 */
public record CacheStats(long hits, long misses, long evictions, long expirations, long puts, long entries,
        long maxEntries, long maxBytes, long bytesInUse, long mappedBytes) {

    /** @return hits / (hits + misses), or 1 when nothing was looked up */
    public double hitRatio() {
        long lookups = hits + misses;
        return lookups == 0 ? 1.0 : (double) hits / lookups;
    }

    /** @return entries / maxEntries, or bytesInUse / maxBytes, whichever bound is set and fuller; 0 without bounds */
    public double load() {
        double byEntries = maxEntries == 0 ? 0 : (double) entries / maxEntries;
        double byBytes = maxBytes == 0 ? 0 : (double) bytesInUse / maxBytes;
        return Math.max(byEntries, byBytes);
    }
}

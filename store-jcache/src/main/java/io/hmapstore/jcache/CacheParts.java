package io.hmapstore.jcache;

/**
 * The parts of one cache that its groups of operations share, gathered so that {@link HmapCache}
 * hands them over in one piece.
 *
 * @param name the cache's name, for messages and logs
 * @param store its store of encoded keys to {@link CacheRecord records}
 * @param codecs its keys and values to bytes and back
 * @param integration its loader and writer
 * @param dispatch its listeners
 * @param ops the operation skeleton and the single-key steps
 * @param statistics its counters
 * @param checkOpen throws {@link IllegalStateException} once the cache is closed
 * @param <K> key type
 * @param <V> value type
 */
record CacheParts<K, V>(String name, CacheStore store, CacheCodecs<K, V> codecs, CacheIntegration<K, V> integration,
        EventDispatch<K, V> dispatch, KeyOperations<K, V> ops, HmapStatistics statistics, Runnable checkOpen) {
}

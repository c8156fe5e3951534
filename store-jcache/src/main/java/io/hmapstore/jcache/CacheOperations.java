package io.hmapstore.jcache;

import java.util.Collection;
import java.util.Objects;

/**
 * A group of a cache's operations: {@link CacheReads}, {@link CacheWrites}, {@link BulkOperations},
 * {@link Invocations}, and the {@link EntryIterator}. {@link HmapCache} checks that it is open and
 * hands each {@code Cache} method to one of them; they share the cache's {@link CacheParts}.
 *
 * <p>Every operation on one key runs in the skeleton {@link KeyOperations#locked}, passing it the
 * operation's step, and counts its statistics once the step has returned.
 *
 * @param <K> key type
 * @param <V> value type
 */
abstract class CacheOperations<K, V> {
    final String name;
    final CacheStore store;
    final CacheCodecs<K, V> codecs;
    final CacheIntegration<K, V> integration;
    final EventDispatch<K, V> dispatch;
    final KeyOperations<K, V> ops;
    final HmapStatistics statistics;
    /** The cache's own check, for work that goes on after the call that started it returned. */
    final Runnable checkOpen;

    CacheOperations(CacheParts<K, V> parts) {
        this.name = parts.name();
        this.store = parts.store();
        this.codecs = parts.codecs();
        this.integration = parts.integration();
        this.dispatch = parts.dispatch();
        this.ops = parts.ops();
        this.statistics = parts.statistics();
        this.checkOpen = parts.checkOpen();
    }

    /** @throws NullPointerException for a null key among {@code keys}, before any is touched */
    static <K> void requireNoNullKey(Collection<K> keys) {
        for (K key : keys) {
            Objects.requireNonNull(key, "keys contains null");
        }
    }
}

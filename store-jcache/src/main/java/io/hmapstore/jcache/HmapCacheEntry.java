package io.hmapstore.jcache;

import java.util.Objects;
import javax.cache.Cache;

/**
 * A key and value handed out by a cache's iterator or to a {@link javax.cache.integration.CacheWriter}:
 * copies, decoded from the store, so changing them changes nothing in the cache.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class HmapCacheEntry<K, V> implements Cache.Entry<K, V> {
    private final K key;
    private final V value;

    HmapCacheEntry(K key, V value) {
        this.key = key;
        this.value = value;
    }

    @Override
    public K getKey() {
        return key;
    }

    @Override
    public V getValue() {
        return value;
    }

    @Override
    public <T> T unwrap(Class<T> clazz) {
        return Unwrapping.unwrap(this, clazz, "a cache entry");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HmapCacheEntry<?, ?> e && Objects.equals(key, e.key) && Objects.equals(value, e.value);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(key) ^ Objects.hashCode(value);
    }

    @Override
    public String toString() {
        return key + "=" + value;
    }
}

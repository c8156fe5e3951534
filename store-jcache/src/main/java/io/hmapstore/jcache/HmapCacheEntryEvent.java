package io.hmapstore.jcache;

import javax.cache.Cache;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.EventType;

/**
 * What a {@link javax.cache.event.CacheEntryListener} is told about one entry.
 *
 * <p>For {@code REMOVED} and {@code EXPIRED} events the value is the value that was removed, as for
 * {@link #getOldValue()}; when the listener was registered without {@code oldValueRequired}, both
 * are withheld ({@code null}, {@link #isOldValueAvailable()} false) for those two types, and the
 * old value is withheld for {@code UPDATED}.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class HmapCacheEntryEvent<K, V> extends CacheEntryEvent<K, V> {
    private static final long serialVersionUID = 1L;

    // Transient like EventObject's source: an event is delivered in-process, never stored.
    private final transient K key;
    private final transient V value;
    private final transient V oldValue;
    /** Whether the listener asked for old values and this event has one. */
    private final boolean oldValueAvailable;

    HmapCacheEntryEvent(Cache<K, V> source, EventType type, K key, V value, V oldValue, boolean oldValueAvailable) {
        super(source, type);
        this.key = key;
        this.value = value;
        this.oldValue = oldValue;
        this.oldValueAvailable = oldValueAvailable;
    }

    /**
     * This event as a listener registered without {@code oldValueRequired} sees it.
     *
     * @return this event without its old value (and, for removals and expiries, without its value)
     */
    @SuppressWarnings("unchecked")
    HmapCacheEntryEvent<K, V> withoutOldValue() {
        if (!oldValueAvailable) {
            return this;
        }
        boolean gone = getEventType() == EventType.REMOVED || getEventType() == EventType.EXPIRED;
        return new HmapCacheEntryEvent<>((Cache<K, V>) getSource(), getEventType(), key, gone ? null : value,
                null, false);
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
    public V getOldValue() {
        return oldValueAvailable ? oldValue : null;
    }

    @Override
    public boolean isOldValueAvailable() {
        return oldValueAvailable;
    }

    @Override
    public <T> T unwrap(Class<T> clazz) {
        return Unwrapping.unwrap(this, clazz, "a cache entry event");
    }

    @Override
    public String toString() {
        return getEventType() + "[" + key + "=" + value + (oldValueAvailable ? ", old=" + oldValue : "") + "]";
    }
}

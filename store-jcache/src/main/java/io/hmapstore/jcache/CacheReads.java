package io.hmapstore.jcache;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.cache.integration.CompletionListener;

/**
 * A cache's reads: {@code get}, {@code getAll}, {@code containsKey} and {@code loadAll}, with
 * read-through. A read of a live entry is an access for expiry and counts as a hit; a miss is
 * loaded when the cache is read-through, and the loaded value stored without writing it through.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class CacheReads<K, V> extends CacheOperations<K, V> {

    CacheReads(CacheParts<K, V> parts) {
        super(parts);
    }

    V get(K key) {
        long start = statistics.start();
        byte[] k = codecs.keyBytes(key);
        try {
            return ops.locked(k, (now, events) -> get(k, key, now, events, true));
        } finally {
            statistics.getTime(start);
        }
    }

    /** A read of one key, counted as a hit or miss; loads a miss if asked and read-through. */
    private V get(byte[] k, K key, long now, EventDispatch<K, V>.Batch events, boolean loadIfMissing) {
        byte[] current = ops.live(k, key, now, events);
        statistics.hitOrMiss(current != null);
        if (current != null) {
            V value = codecs.value(current);
            ops.accessed(k, current, now);
            return value;
        }
        if (!loadIfMissing || !integration.readThrough()) {
            return null;
        }
        V loaded = integration.load(key);
        if (loaded == null) {
            return null;
        }
        // A value expired at creation is not returned either: the reference implementation's choice.
        return ops.create(k, key, loaded, codecs.record(loaded), now, events) ? loaded : null;
    }

    Map<K, V> getAll(Set<? extends K> keys) {
        requireNoNullKey(keys);
        long start = statistics.start();
        Map<K, V> result = new HashMap<>(Math.max(4, keys.size() * 2));
        List<K> missing = new ArrayList<>();
        for (K key : keys) {
            byte[] k = codecs.keyBytes(key);
            V value = ops.locked(k, (now, events) -> get(k, key, now, events, false));
            if (value != null) {
                result.put(key, value);
            } else {
                missing.add(key);
            }
        }
        if (integration.readThrough() && !missing.isEmpty()) {
            // The loader runs without locks (it may be slow, or call back into the cache); an entry
            // someone else made meanwhile wins over the loaded one.
            Map<K, V> loaded = integration.loadAll(missing);
            for (K key : missing) {
                V value = loaded.get(key);
                if (value != null) {
                    V won = ops.install(key, value, false);
                    if (won != null) {
                        result.put(key, won);
                    }
                }
            }
        }
        statistics.getTime(start);
        return result;
    }

    boolean containsKey(K key) {
        byte[] k = codecs.keyBytes(key);
        return ops.locked(k, (now, events) -> ops.live(k, key, now, events) != null);
    }

    void loadAll(Set<? extends K> keys, boolean replaceExistingValues, CompletionListener completionListener) {
        Objects.requireNonNull(keys, "keys");
        requireNoNullKey(keys);
        if (integration.loader() == null) {
            if (completionListener != null) {
                completionListener.onCompletion();
            }
            return;
        }
        List<K> requested = new ArrayList<>(keys);
        integration.inBackground(() -> {
            try {
                List<K> toLoad = new ArrayList<>(requested.size());
                for (K key : requested) {
                    checkOpen.run();
                    if (replaceExistingValues || !containsKey(key)) {
                        toLoad.add(key);
                    }
                }
                if (!toLoad.isEmpty()) {
                    for (Map.Entry<K, V> e : integration.loadAll(toLoad).entrySet()) {
                        if (e.getKey() != null && e.getValue() != null) {
                            ops.install(e.getKey(), e.getValue(), replaceExistingValues);
                        }
                    }
                }
                if (completionListener != null) {
                    completionListener.onCompletion();
                }
            } catch (RuntimeException e) {
                if (completionListener != null) {
                    completionListener.onException(e);
                } else {
                    CacheResources.LOG.log(System.Logger.Level.WARNING, "loadAll failed on cache " + name, e);
                }
            }
        });
    }
}

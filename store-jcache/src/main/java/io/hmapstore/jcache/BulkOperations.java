package io.hmapstore.jcache;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.integration.CacheWriterException;

/**
 * A cache's operations on many keys at once: {@code putAll}, the {@code removeAll}s and
 * {@code clear}.
 *
 * <p>Implementation notes. Each takes the stripes of all its keys (in ascending order, so two bulk
 * operations cannot deadlock) and holds them across one {@code writeAll} or {@code deleteAll} of
 * the writer and the store changes. The writer's partial-success contract decides what is stored:
 * it removes from the collection what it wrote or deleted, and what remains is left alone in the
 * cache; its failure is thrown once the rest is done. {@code clear} tells nobody: no writer, no
 * listener, no statistics.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class BulkOperations<K, V> extends CacheOperations<K, V> {

    BulkOperations(CacheParts<K, V> parts) {
        super(parts);
    }

    /** One entry of a {@code putAll}, encoded before any lock is taken. */
    private record Put<K, V>(K key, V value, byte[] keyBytes, byte[] record, HmapCacheEntry<K, V> entry) {
    }

    void putAll(Map<? extends K, ? extends V> map) {
        Objects.requireNonNull(map, "map");
        long start = statistics.start();
        List<Put<K, V>> puts = new ArrayList<>(map.size());
        List<byte[]> keys = new ArrayList<>(map.size());
        for (Map.Entry<? extends K, ? extends V> e : map.entrySet()) {
            codecs.checkTypes(e.getKey(), e.getValue());
            byte[] k = codecs.keyBytes(e.getKey());
            puts.add(new Put<>(e.getKey(), e.getValue(), k, codecs.record(e.getValue()),
                    new HmapCacheEntry<>(e.getKey(), e.getValue())));
            keys.add(k);
        }
        ops.lockedAll(keys, () -> {
            CacheWriterException failure = null;
            Set<Cache.Entry<?, ?>> unwritten = Collections.emptySet();
            if (integration.writeThrough() && !puts.isEmpty()) {
                // What the writer leaves in the collection was not written, and so is not put.
                List<Cache.Entry<? extends K, ? extends V>> toWrite = new ArrayList<>(puts.size());
                for (Put<K, V> p : puts) {
                    toWrite.add(p.entry());
                }
                failure = integration.writeAll(toWrite);
                unwritten = Collections.newSetFromMap(new IdentityHashMap<>());
                unwritten.addAll(toWrite);
            }
            long now = ExpiryRules.now();
            EventDispatch<K, V>.Batch events = dispatch.batch();
            int stored = 0;
            for (Put<K, V> p : puts) {
                if (!unwritten.contains(p.entry())) {
                    byte[] current = ops.live(p.keyBytes(), p.key(), now, events);
                    if (ops.store(p.keyBytes(), p.key(), p.value(), p.record(), current, now, events)) {
                        stored++;
                    }
                }
            }
            events.fire();
            statistics.put(start, stored);
            if (failure != null) {
                throw failure;
            }
            return null;
        });
    }

    void removeAll(Set<? extends K> keys) {
        Objects.requireNonNull(keys, "keys");
        long start = statistics.start();
        Map<K, byte[]> encoded = new LinkedHashMap<>();
        for (K key : keys) {
            encoded.put(key, codecs.keyBytes(key));
        }
        ops.lockedAll(encoded.values(), () -> removeLocked(encoded, start));
    }

    void removeAll() {
        long start = statistics.start();
        ops.lockedEverything(() -> {
            if (!integration.writeThrough() && !dispatch.listening()) {
                // Nobody to tell: count what is live for the statistics and drop the rest at once.
                long now = ExpiryRules.now();
                long live = 0;
                for (Map.Entry<byte[], byte[]> e : store.entries()) {
                    if (!CacheRecord.expired(e.getValue(), now)) {
                        live++;
                    }
                }
                store.clear();
                statistics.removed(start, live);
                return null;
            }
            Map<K, byte[]> encoded = new LinkedHashMap<>();
            for (Map.Entry<byte[], byte[]> e : store.entries()) {
                encoded.put(codecs.key(e.getKey()), e.getKey());
            }
            return removeLocked(encoded, start);
        });
    }

    /**
     * Removes the given keys, deleting through in one {@code deleteAll}; their stripes are held.
     *
     * @return {@code null}, for {@link KeyOperations#lockedAll}
     */
    private Void removeLocked(Map<K, byte[]> keys, long start) {
        CacheWriterException failure = null;
        Collection<K> undeleted = Collections.emptySet();
        if (integration.writeThrough() && !keys.isEmpty()) {
            // A copy: the writer removes what it deleted, and the caller's set is not ours to change.
            undeleted = new ArrayList<>(keys.keySet());
            failure = integration.deleteAll(undeleted);
            if (!undeleted.isEmpty()) {
                undeleted = new HashSet<>(undeleted);
            }
        }
        long now = ExpiryRules.now();
        long removed = 0;
        EventDispatch<K, V>.Batch events = dispatch.batch();
        for (Map.Entry<K, byte[]> e : keys.entrySet()) {
            byte[] current = undeleted.contains(e.getKey()) ? null : store.remove(e.getValue());
            if (current != null && CacheRecord.expired(current, now)) {
                events.expired(e.getKey(), current);
            } else if (current != null) {
                events.removed(e.getKey(), current);
                removed++;
            }
        }
        try {
            events.fire();
        } finally {
            statistics.removed(start, removed);
        }
        if (failure != null) {
            throw failure;
        }
        return null;
    }

    void clear() {
        ops.lockedEverything(() -> {
            store.clear();
            return null;
        });
    }
}

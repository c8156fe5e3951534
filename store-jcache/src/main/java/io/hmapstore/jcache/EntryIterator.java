package io.hmapstore.jcache;

import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import javax.cache.Cache;

/**
 * A cache's iterator. It walks the store, weakly consistent (entries added or removed meanwhile may
 * or may not be seen); each entry is re-read under its key's stripe, so what comes out is live, and
 * reading it is an access for expiry and statistics. An expired entry met on the way is removed and
 * reported, as any operation that meets one does.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class EntryIterator<K, V> extends CacheOperations<K, V> implements Iterator<Cache.Entry<K, V>> {
    private final Iterator<Map.Entry<byte[], byte[]>> walk;
    private HmapCacheEntry<K, V> next;
    private byte[] nextKey;
    private HmapCacheEntry<K, V> last;
    private byte[] lastKey;

    EntryIterator(CacheParts<K, V> parts) {
        super(parts);
        this.walk = store.entries().iterator();
    }

    @Override
    public boolean hasNext() {
        while (next == null && walk.hasNext()) {
            long start = statistics.start();
            byte[] k = walk.next().getKey();
            next = ops.locked(k, (now, events) -> {
                byte[] current = store.get(k);
                if (current == null) {
                    return null;
                }
                // Not ops.live: the key is decoded only for an entry still there.
                K key = codecs.key(k);
                if (CacheRecord.expired(current, now)) {
                    store.remove(k);
                    events.expired(key, current);
                    return null;
                }
                HmapCacheEntry<K, V> entry = new HmapCacheEntry<>(key, codecs.value(current));
                ops.accessed(k, current, now);
                statistics.get(start, true);
                return entry;
            });
            nextKey = k;
        }
        return next != null;
    }

    @Override
    public Cache.Entry<K, V> next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        last = next;
        lastKey = nextKey;
        next = null;
        return last;
    }

    @Override
    public void remove() {
        if (last == null) {
            throw new IllegalStateException("next() has not been called, or remove() was called already");
        }
        checkOpen.run();
        long start = statistics.start();
        K key = last.getKey();
        byte[] k = lastKey;
        last = null;
        ops.locked(k, (now, events) -> {
            integration.delete(key);
            byte[] current = store.remove(k);
            if (current != null) {
                events.removed(key, current);
                statistics.removed(start, 1);
            }
            return null;
        });
    }
}

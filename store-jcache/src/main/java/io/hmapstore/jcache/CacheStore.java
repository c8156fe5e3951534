package io.hmapstore.jcache;

import io.hmapstore.CacheStats;
import io.hmapstore.OffHeapMap;
import io.hmapstore.StoreException;
import java.util.Iterator;
import java.util.Map;
import javax.cache.CacheException;

/**
 * The store under a cache, as the cache uses it: encoded keys to encoded records. Its one job is the
 * JCache rule that nothing but a {@link CacheException} escapes a {@code Cache} method for a failure of
 * the cache itself: every {@link StoreException} (a damaged file, a failed system call, a store that
 * could not make room) becomes a {@code CacheException} naming the cache, its cause kept. The JDK's
 * conventions pass through as they are: {@link IllegalStateException} for a closed store,
 * {@link IllegalArgumentException} for an entry the store refuses, {@link NullPointerException}.
 */
final class CacheStore {
    private final String cacheName;
    private final OffHeapMap<byte[], byte[]> store;

    private CacheStore(String cacheName, OffHeapMap<byte[], byte[]> store) {
        this.cacheName = cacheName;
        this.store = store;
    }

    /** Opens the cache's store; a file that cannot be opened is a {@link CacheException} too. */
    static CacheStore open(String cacheName, OffHeapMap.Builder<byte[], byte[]> builder) {
        try {
            return new CacheStore(cacheName, builder.open());
        } catch (StoreException e) {
            throw new CacheException("cache " + cacheName + ": cannot open its store: " + e.getMessage(), e);
        }
    }

    byte[] get(byte[] key) {
        try {
            return store.get(key);
        } catch (StoreException e) {
            throw translate("get", e);
        }
    }

    void put(byte[] key, byte[] record) {
        try {
            store.put(key, record);
        } catch (StoreException e) {
            throw translate("put", e);
        }
    }

    byte[] remove(byte[] key) {
        try {
            return store.remove(key);
        } catch (StoreException e) {
            throw translate("remove", e);
        }
    }

    void clear() {
        try {
            store.clear();
        } catch (StoreException e) {
            throw translate("clear", e);
        }
    }

    long size() {
        try {
            return store.size();
        } catch (StoreException e) {
            throw translate("size", e);
        }
    }

    CacheStats cacheStats() {
        return store.cacheStats();
    }

    /** The store's entries, weakly consistent as the store's own iteration is. */
    Iterable<Map.Entry<byte[], byte[]>> entries() {
        return () -> {
            Iterator<Map.Entry<byte[], byte[]>> walk;
            try {
                walk = store.entrySet().iterator();
            } catch (StoreException e) {
                throw translate("iterate", e);
            }
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    try {
                        return walk.hasNext();
                    } catch (StoreException e) {
                        throw translate("iterate", e);
                    }
                }

                @Override
                public Map.Entry<byte[], byte[]> next() {
                    try {
                        return walk.next();
                    } catch (StoreException e) {
                        throw translate("iterate", e);
                    }
                }
            };
        };
    }

    void close() {
        try {
            store.close();
        } catch (StoreException e) {
            throw translate("close", e);
        }
    }

    private CacheException translate(String operation, StoreException e) {
        return new CacheException("cache " + cacheName + ": " + operation + " failed in its store: " + e.getMessage(),
                e);
    }
}

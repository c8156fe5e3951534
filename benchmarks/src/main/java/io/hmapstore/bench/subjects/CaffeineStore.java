package io.hmapstore.bench.subjects;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Caffeine, the heap cache: {@code Caffeine.newBuilder().maximumSize(capacity).build()}, a
 * {@code Cache<Long, Long>} or {@code Cache<Long, byte[]>} bounded by entry count (W-TinyLFU), sized for
 * the most entries the run holds so nothing is evicted. Used as {@link ChmStore} uses
 * {@code ConcurrentHashMap}: keys boxed in advance, a 100-byte get copies the array out, a put stores a
 * {@code Long} of its own or a copy of the array. Reads go through {@code getIfPresent}, writes through
 * {@code put}, removes through {@code asMap().remove} (which tells whether a mapping was there).
 */
final class CaffeineStore implements Store {

    private final Cache<Long, Object> cache;
    private final ValueKind kind;

    CaffeineStore(ValueKind kind, long capacity) {
        this.kind = kind;
        cache = Caffeine.newBuilder().maximumSize(capacity).build();
    }

    @Override
    public Handle handle() {
        return kind == ValueKind.LONG ? new Longs(cache) : new Bytes(cache, kind);
    }

    @Override
    public long offHeapBytes() {
        return 0;
    }

    @Override
    public void close() {
        cache.invalidateAll();
        cache.cleanUp();
    }

    private static final class Longs implements Handle {
        private final Cache<Long, Object> cache;

        Longs(Cache<Long, Object> cache) {
            this.cache = cache;
        }

        @Override
        public long get(long key, Long boxedKey) {
            Object v = cache.getIfPresent(boxedKey);
            return v == null ? ABSENT : (Long) v;
        }

        @Override
        public void put(long key, Long boxedKey, long value) {
            cache.put(boxedKey, value);
        }

        @Override
        public boolean remove(long key, Long boxedKey) {
            return cache.asMap().remove(boxedKey) != null;
        }

        @Override
        public void close() {
        }
    }

    private static final class Bytes implements Handle {
        private final Cache<Long, Object> cache;
        private final byte[] payload;
        private final byte[] out;

        Bytes(Cache<Long, Object> cache, ValueKind kind) {
            this.cache = cache;
            payload = Payloads.payload(kind.bytes());
            out = new byte[kind.bytes()];
        }

        @Override
        public long get(long key, Long boxedKey) {
            Object v = cache.getIfPresent(boxedKey);
            if (v == null) {
                return ABSENT;
            }
            byte[] a = (byte[]) v;
            System.arraycopy(a, 0, out, 0, a.length);
            return Payloads.stamp(out);
        }

        @Override
        public void put(long key, Long boxedKey, long stamp) {
            byte[] copy = payload.clone();
            Payloads.stamp(copy, stamp);
            cache.put(boxedKey, copy);
        }

        @Override
        public boolean remove(long key, Long boxedKey) {
            return cache.asMap().remove(boxedKey) != null;
        }

        @Override
        public void close() {
        }
    }
}

package io.hmapstore.bench.subjects;

import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code ConcurrentHashMap<Long, Long>} or {@code ConcurrentHashMap<Long, byte[]>}, the heap baseline. Keys
 * arrive boxed in advance. A 100-byte get copies the array out, as the off-heap subjects copy their value
 * out. A put stores a value of its own, as the off-heap subjects copy the bytes in: a {@code Long} boxed
 * from the {@code long}, or a new {@code byte[100]}, since a map that keeps the caller's object needs a
 * distinct one per entry. (Unlike {@code CoreBenchmark}, which reuses one boxed value and one array; here
 * the heap then holds what a real user's would, which the memory and GC figures need.)
 */
final class ChmStore implements Store {

    private final ConcurrentHashMap<Long, Object> map;
    private final ValueKind kind;

    ChmStore(ValueKind kind, long expectedEntries) {
        this.kind = kind;
        map = new ConcurrentHashMap<>((int) Math.min(expectedEntries, 1 << 30));
    }

    @Override
    public Handle handle() {
        return kind == ValueKind.LONG ? new Longs(map) : new Bytes(map, kind);
    }

    @Override
    public long offHeapBytes() {
        return 0;
    }

    @Override
    public void close() {
        map.clear();
    }

    private static final class Longs implements Handle {
        private final ConcurrentHashMap<Long, Object> map;

        Longs(ConcurrentHashMap<Long, Object> map) {
            this.map = map;
        }

        @Override
        public long get(long key, Long boxedKey) {
            Object v = map.get(boxedKey);
            return v == null ? ABSENT : (Long) v;
        }

        @Override
        public void put(long key, Long boxedKey, long value) {
            map.put(boxedKey, value);
        }

        @Override
        public boolean remove(long key, Long boxedKey) {
            return map.remove(boxedKey) != null;
        }

        @Override
        public void close() {
        }
    }

    private static final class Bytes implements Handle {
        private final ConcurrentHashMap<Long, Object> map;
        private final byte[] payload;
        private final byte[] out;

        Bytes(ConcurrentHashMap<Long, Object> map, ValueKind kind) {
            this.map = map;
            payload = Payloads.payload(kind.bytes());
            out = new byte[kind.bytes()];
        }

        @Override
        public long get(long key, Long boxedKey) {
            Object v = map.get(boxedKey);
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
            map.put(boxedKey, copy);
        }

        @Override
        public boolean remove(long key, Long boxedKey) {
            return map.remove(boxedKey) != null;
        }

        @Override
        public void close() {
        }
    }
}

package io.hmapstore.bench.subjects;

import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code ConcurrentHashMap<Long, Long>} or {@code ConcurrentHashMap<Long, byte[]>}, the heap baseline. Keys
 * arrive boxed in advance. A 100-byte get copies the array out, as the off-heap subjects copy their
 * value out; a put stores a reference to the caller's array (no copy, unlike the off-heap subjects), as
 * {@code CoreBenchmark} does.
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
        private final Long boxedValue = 12345L;

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
            map.put(boxedKey, boxedValue);
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
            map.put(boxedKey, payload);
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

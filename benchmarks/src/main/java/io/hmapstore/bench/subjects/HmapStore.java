package io.hmapstore.bench.subjects;

import io.hmapstore.Codecs;
import io.hmapstore.Concurrency;
import io.hmapstore.OffHeapMap;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** hmapstore behind {@link Store}: its zero-allocation paths, or its boxed {@code Map} API. */
final class HmapStore implements Store {

    /** As {@code Codecs.longs()} encodes a key: 8 bytes, little-endian, which is native order here. */
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    private final OffHeapMap<Long, ?> map;
    private final ValueKind kind;
    private final boolean boxed;
    private final Path dir;
    private final List<Handle> handles = new ArrayList<>();

    private HmapStore(OffHeapMap<Long, ?> map, ValueKind kind, boolean boxed, Path dir) {
        this.map = map;
        this.kind = kind;
        this.boxed = boxed;
        this.dir = dir;
    }

    static HmapStore open(ValueKind kind, long expectedEntries, Concurrency mode, boolean file, boolean hugePages,
            boolean boxed) {
        Path dir = file ? TempDirs.create("hmapstore-bench") : null;
        OffHeapMap.Builder<Long, ?> builder = kind == ValueKind.LONG
                ? OffHeapMap.of(Codecs.longs(), Codecs.longs())
                : OffHeapMap.of(Codecs.longs(), Codecs.bytes(kind.bytes()));
        builder.expectedEntries(expectedEntries).concurrency(mode);
        if (file) {
            builder.persistTo(dir.resolve("store.hmap"));
        }
        if (hugePages) {
            builder.transparentHugePages();
        }
        return new HmapStore(builder.open(), kind, boxed, dir);
    }

    @Override
    @SuppressWarnings("unchecked")
    public synchronized Handle handle() {
        Handle h;
        if (kind == ValueKind.LONG) {
            h = boxed ? new LongsBoxed((OffHeapMap<Long, Long>) map) : new Longs((OffHeapMap<Long, Long>) map);
        } else {
            h = boxed ? new BytesBoxed((OffHeapMap<Long, byte[]>) map, kind) : new Segments(map, kind);
        }
        handles.add(h);
        return h;
    }

    /**
     * The region's pages resident in RAM (mincore), not its mapped bytes: the region reserves address
     * space ahead of use (134 MB mapped for a 1M-entry store of 38 MB), and the whole process's RSS growth
     * also counts the JVM's own (heap pages first touched, JIT code), which varied by ~20 MB between runs.
     */
    @Override
    public long offHeapBytes() {
        return map.stats().residentBytes();
    }

    @Override
    public synchronized void close() {
        handles.forEach(Handle::close);
        handles.clear();
        map.close();
        if (dir != null) {
            TempDirs.delete(dir);
        }
    }

    /** {@code getLong/putLong}, and {@code remove(MemorySegment)}: no allocation. */
    private static final class Longs implements Handle {
        private final OffHeapMap<Long, Long> map;
        private final Arena arena = Arena.ofShared();
        private final MemorySegment key = arena.allocate(Long.BYTES);

        Longs(OffHeapMap<Long, Long> map) {
            this.map = map;
        }

        @Override
        public long get(long k, Long boxedKey) {
            return map.getLong(k, ABSENT);
        }

        @Override
        public void put(long k, Long boxedKey, long value) {
            map.putLong(k, value);
        }

        @Override
        public boolean remove(long k, Long boxedKey) {
            key.set(LONG, 0, k);
            return map.remove(key);
        }

        @Override
        public void close() {
            if (arena.scope().isAlive()) {
                arena.close();
            }
        }
    }

    /** {@code Map.get/put/remove}: decodes a {@code Long} per read, boxes the value and returns the previous one per write. */
    private static final class LongsBoxed implements Handle {
        private final OffHeapMap<Long, Long> map;

        LongsBoxed(OffHeapMap<Long, Long> map) {
            this.map = map;
        }

        @Override
        public long get(long k, Long boxedKey) {
            Long v = map.get(boxedKey);
            return v == null ? ABSENT : v;
        }

        @Override
        public void put(long k, Long boxedKey, long value) {
            map.put(boxedKey, value);
        }

        @Override
        public boolean remove(long k, Long boxedKey) {
            return map.remove(boxedKey) != null;
        }

        @Override
        public void close() {
        }
    }

    /** {@code get/put/remove(MemorySegment)}: the value copied out into a reused segment, no allocation. */
    private static final class Segments implements Handle {
        private final OffHeapMap<Long, ?> map;
        private final Arena arena = Arena.ofShared();
        private final MemorySegment key = arena.allocate(Long.BYTES);
        private final MemorySegment value;
        private final MemorySegment out;

        Segments(OffHeapMap<Long, ?> map, ValueKind kind) {
            this.map = map;
            value = arena.allocate(kind.bytes());
            value.copyFrom(MemorySegment.ofArray(Payloads.payload(kind.bytes())));
            out = arena.allocate(kind.bytes());
        }

        @Override
        public long get(long k, Long boxedKey) {
            key.set(LONG, 0, k);
            return map.get(key, out) ? out.get(LONG, 0) : ABSENT;
        }

        @Override
        public void put(long k, Long boxedKey, long stamp) {
            key.set(LONG, 0, k);
            value.set(LONG, 0, stamp);
            map.put(key, value);
        }

        @Override
        public boolean remove(long k, Long boxedKey) {
            key.set(LONG, 0, k);
            return map.remove(key);
        }

        @Override
        public void close() {
            if (arena.scope().isAlive()) {
                arena.close();
            }
        }
    }

    /** {@code Map.get/put/remove} with {@code byte[]} values: a new array per read, a copy per write. */
    private static final class BytesBoxed implements Handle {
        private final OffHeapMap<Long, byte[]> map;
        private final byte[] payload;

        BytesBoxed(OffHeapMap<Long, byte[]> map, ValueKind kind) {
            this.map = map;
            payload = Payloads.payload(kind.bytes());
        }

        @Override
        public long get(long k, Long boxedKey) {
            byte[] v = map.get(boxedKey);
            return v == null ? ABSENT : Payloads.stamp(v);
        }

        @Override
        public void put(long k, Long boxedKey, long stamp) {
            Payloads.stamp(payload, stamp);
            map.put(boxedKey, payload);
        }

        @Override
        public boolean remove(long k, Long boxedKey) {
            return map.remove(boxedKey) != null;
        }

        @Override
        public void close() {
        }
    }
}

package io.hmapstore.bench.subjects;

import java.util.ArrayList;
import java.util.List;
import net.openhft.chronicle.core.values.LongValue;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.values.Values;

/**
 * Chronicle Map in memory, {@code LongValue} keys (no boxing), values {@code LongValue} or
 * {@code byte[100]} read with {@code getUsing} into the handle's reused instance. Built with
 * {@code putReturnsNull} and {@code removeReturnsNull} so writes do not materialise the previous value.
 * It must be sized for its maximum number of entries up front ({@code entries}).
 *
 * <p>Its JVM needs the {@code --add-opens/--add-exports} flags of {@code PeerJvm} (it compiles value
 * classes at run time) and {@code -Dchronicle.analytics.disable=true}.
 */
final class ChronicleStore implements Store {

    private final ChronicleMap<LongValue, ?> map;
    private final ValueKind kind;
    private final List<Handle> handles = new ArrayList<>();

    private ChronicleStore(ChronicleMap<LongValue, ?> map, ValueKind kind) {
        this.map = map;
        this.kind = kind;
    }

    static ChronicleStore open(ValueKind kind, long entries) {
        ChronicleMap<LongValue, ?> map = kind == ValueKind.LONG
                ? ChronicleMap.of(LongValue.class, LongValue.class)
                        .entries(entries).putReturnsNull(true).removeReturnsNull(true).create()
                : ChronicleMap.of(LongValue.class, byte[].class)
                        .constantValueSizeBySample(new byte[kind.bytes()])
                        .entries(entries).putReturnsNull(true).removeReturnsNull(true).create();
        return new ChronicleStore(map, kind);
    }

    @Override
    @SuppressWarnings("unchecked")
    public synchronized Handle handle() {
        Handle h = kind == ValueKind.LONG
                ? new Longs((ChronicleMap<LongValue, LongValue>) map)
                : new Bytes((ChronicleMap<LongValue, byte[]>) map, kind);
        handles.add(h);
        return h;
    }

    @Override
    public long offHeapBytes() {
        return map.offHeapMemoryUsed();
    }

    @Override
    public synchronized void close() {
        handles.clear();
        map.close();
    }

    private static final class Longs implements Handle {
        private final ChronicleMap<LongValue, LongValue> map;
        private final LongValue key = Values.newHeapInstance(LongValue.class);
        private final LongValue value = Values.newHeapInstance(LongValue.class);
        private final LongValue using = Values.newHeapInstance(LongValue.class);

        Longs(ChronicleMap<LongValue, LongValue> map) {
            this.map = map;
        }

        @Override
        public long get(long k, Long boxedKey) {
            key.setValue(k);
            LongValue v = map.getUsing(key, using);
            return v == null ? ABSENT : v.getValue();
        }

        @Override
        public void put(long k, Long boxedKey, long v) {
            key.setValue(k);
            value.setValue(v);
            map.put(key, value);
        }

        @Override
        public boolean remove(long k, Long boxedKey) {
            key.setValue(k);
            map.remove(key);
            return true;
        }

        @Override
        public void close() {
        }
    }

    private static final class Bytes implements Handle {
        private final ChronicleMap<LongValue, byte[]> map;
        private final LongValue key = Values.newHeapInstance(LongValue.class);
        private final byte[] payload;
        private final byte[] using;

        Bytes(ChronicleMap<LongValue, byte[]> map, ValueKind kind) {
            this.map = map;
            payload = Payloads.payload(kind.bytes());
            using = new byte[kind.bytes()];
        }

        @Override
        public long get(long k, Long boxedKey) {
            key.setValue(k);
            byte[] v = map.getUsing(key, using);
            return v == null ? ABSENT : Payloads.stamp(v);
        }

        @Override
        public void put(long k, Long boxedKey, long stamp) {
            key.setValue(k);
            Payloads.stamp(payload, stamp);
            map.put(key, payload);
        }

        @Override
        public boolean remove(long k, Long boxedKey) {
            key.setValue(k);
            map.remove(key);
            return true;
        }

        @Override
        public void close() {
        }
    }
}

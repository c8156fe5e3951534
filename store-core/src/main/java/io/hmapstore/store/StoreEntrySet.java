package io.hmapstore.store;

import io.hmapstore.table.HashTable;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map.Entry;
import java.util.NoSuchElementException;

/**
 * A {@link TableStore}'s {@code entrySet()}: a view whose reads and writes go to the store, and whose
 * iterator copies entries out a bucket at a time, so nothing it hands out points into store memory.
 *
 * <p>Implementation notes. The iterator walks each segment in bit-reversed hash order
 * ({@link HashTable#collect}): every bucket of any size is one interval of the walk, so an entry present
 * throughout is returned exactly once however the table resizes between steps. Each step is one read of
 * the segment through the read gate ({@link SegmentAccess#read}); it may run more than once, so it starts
 * its batch afresh each time. Expired entries are skipped.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class StoreEntrySet<K, V> extends AbstractSet<Entry<K, V>> {
    private final TableStore<K, V> store;
    private final SegmentAccess access;
    private final HashTable table;
    private final CacheBounds bounds;
    private final KeyValueCodecs<K, V> codecs;

    StoreEntrySet(TableStore<K, V> store, SegmentAccess access, HashTable table, CacheBounds bounds,
            KeyValueCodecs<K, V> codecs) {
        this.store = store;
        this.access = access;
        this.table = table;
        this.bounds = bounds;
        this.codecs = codecs;
    }

    @Override
    public Iterator<Entry<K, V>> iterator() {
        return new EntryIterator();
    }

    @Override
    public int size() {
        return store.size();
    }

    @Override
    public boolean contains(Object o) {
        if (!(o instanceof Entry<?, ?> e) || e.getKey() == null || e.getValue() == null) {
            return false;
        }
        Object v = store.get(e.getKey());
        return v != null && KeyValueCodecs.valueEquals(v, e.getValue());
    }

    @Override
    public boolean remove(Object o) {
        return o instanceof Entry<?, ?> e && e.getKey() != null && e.getValue() != null
                && store.remove(e.getKey(), e.getValue());
    }

    @Override
    public void clear() {
        store.clear();
    }

    /** An entry handed out by iteration: a copy, so it never points into store memory. */
    private final class CopiedEntry extends AbstractMap.SimpleEntry<K, V> {
        private static final long serialVersionUID = 1L;

        CopiedEntry(K key, V value) {
            super(key, value);
        }

        @Override
        public V setValue(V value) {
            store.put(getKey(), value);
            return super.setValue(value);
        }
    }

    /**
     * Walks each segment in bit-reversed hash order (see {@link HashTable#collect}); each step copies
     * one bucket's entries out under the segment, so nothing it holds can go stale.
     */
    private final class EntryIterator implements Iterator<Entry<K, V>> {
        private final ArrayDeque<Entry<K, V>> buffer = new ArrayDeque<>();
        private int seg;
        private long cursor;
        private Entry<K, V> last;

        @Override
        public boolean hasNext() {
            access.checkOpen();
            while (buffer.isEmpty() && seg < table.segments) {
                step();
            }
            return !buffer.isEmpty();
        }

        private void step() {
            int s = seg;
            long from = cursor;
            List<Entry<K, V>> step = new ArrayList<>();
            long next = access.read(s, () -> {
                step.clear();
                long now = bounds.expiring ? bounds.clock.getAsLong() : 0;
                return table.collect(s, from, slot -> {
                    if (!(bounds.expiring && table.slots.expired(slot, now))) {
                        step.add(new CopiedEntry(codecs.decodeKey(s, slot), codecs.decodeValue(s, slot)));
                    }
                });
            });
            buffer.addAll(step);
            if (next == HashTable.DONE) {
                seg++;
                cursor = 0;
            } else {
                cursor = next;
            }
        }

        @Override
        public Entry<K, V> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            last = buffer.poll();
            return last;
        }

        @Override
        public void remove() {
            if (last == null) {
                throw new IllegalStateException("next() has not been called, or remove() was already called");
            }
            store.remove(last.getKey());
            last = null;
        }
    }
}

package io.hmapstore.infinispan;

import io.reactivex.rxjava3.core.Flowable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.infinispan.commons.util.IntSet;

/**
 * The store's bulk operations as scans of its tables, segment by segment.
 *
 * <p>Scans are lazy: a publisher reads a table only when a subscriber asks for its entries, one
 * entry at a time, so a scan of a large store holds no more than one entry per step in the heap.
 */
final class TableScans {
    private TableScans() {
    }

    /** @return the table indices that hold the given segments: the segments themselves, or the one table */
    static List<Integer> indices(SegmentTables tables, IntSet segments) {
        List<Integer> indices = new ArrayList<>();
        if (tables.count() == 1) {
            indices.add(0);
            return indices;
        }
        segments.forEach((int s) -> {
            if (s < tables.count()) {
                indices.add(s);
            }
        });
        return indices;
    }

    /** @return every entry (key bytes, record) of the tables holding {@code segments}, expired ones included */
    static Flowable<Map.Entry<byte[], byte[]>> entries(SegmentTables tables, IntSet segments) {
        return Flowable.fromIterable(indices(tables, segments)).concatMap(index -> {
            SegmentTable table = tables.get(index);
            return table == null ? Flowable.<Map.Entry<byte[], byte[]>>empty()
                    : Flowable.<Map.Entry<byte[], byte[]>>fromIterable(table::iterator);
        });
    }

    /**
     * Counts the live entries. A table that has never held an entry with an expiry time is counted
     * by its size; one that may have is scanned, since its expired entries stay until purged.
     */
    static long liveCount(SegmentTables tables, IntSet segments, long now) {
        long count = 0;
        for (int index : indices(tables, segments)) {
            SegmentTable table = tables.get(index);
            if (table == null) {
                continue;
            }
            if (!table.mayHoldMortal()) {
                count += table.with(m -> (long) m.size(), 0L);
                continue;
            }
            for (Iterator<Map.Entry<byte[], byte[]>> it = table.iterator(); it.hasNext(); ) {
                if (!EntryRecord.isExpired(it.next().getValue(), now)) {
                    count++;
                }
            }
        }
        return count;
    }

    /**
     * Removes the entries expired at {@code now} from every table and publishes them. An entry
     * rewritten between the scan seeing it and its removal is kept ({@code remove(key, record)}
     * removes only the record seen). A table whose whole scan found no mortal entry left is marked
     * so, and is counted by its size from then on.
     */
    static Flowable<Map.Entry<byte[], byte[]>> purge(SegmentTables tables, long now) {
        return Flowable.range(0, tables.count()).concatMap(index -> {
            SegmentTable table = tables.get(index);
            if (table == null || !table.mayHoldMortal()) {
                return Flowable.<Map.Entry<byte[], byte[]>>empty();
            }
            long stamp = table.mortalStamp();
            long[] mortalLeft = {0};
            return Flowable.<Map.Entry<byte[], byte[]>>fromIterable(table::iterator)
                    .filter(e -> {
                        byte[] record = e.getValue();
                        if (!EntryRecord.isMortal(record)) {
                            return false;
                        }
                        if (!EntryRecord.isExpired(record, now)) {
                            mortalLeft[0]++;
                            return false;
                        }
                        return table.with(m -> m.remove(e.getKey(), record), false);
                    })
                    .doOnComplete(() -> {
                        if (mortalLeft[0] == 0) {
                            table.clearMortal(stamp);
                        }
                    });
        });
    }
}

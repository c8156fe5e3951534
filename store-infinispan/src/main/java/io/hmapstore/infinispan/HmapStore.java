package io.hmapstore.infinispan;

import io.reactivex.rxjava3.core.Flowable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;
import org.infinispan.commons.io.ByteBufferFactory;
import org.infinispan.commons.time.TimeService;
import org.infinispan.commons.util.IntSet;
import org.infinispan.persistence.PersistenceUtil;
import org.infinispan.persistence.spi.InitializationContext;
import org.infinispan.persistence.spi.MarshallableEntry;
import org.infinispan.persistence.spi.MarshallableEntryFactory;
import org.infinispan.persistence.spi.NonBlockingStore;
import org.infinispan.persistence.spi.PersistenceException;
import org.infinispan.marshall.persistence.PersistenceMarshaller;
import org.infinispan.util.concurrent.BlockingManager;
import org.reactivestreams.Publisher;

/**
 * An Infinispan persistent store whose entries live in hmapstore tables, memory-mapped files, one
 * per segment.
 *
 * <p>Characteristics, and why each one fits a hash store:
 * <ul>
 *   <li>{@code SEGMENTABLE}: a table per Infinispan segment ({@link SegmentTables}), so a node that
 *       loses a segment deletes its file and gets the memory back at once.</li>
 *   <li>{@code EXPIRATION}: each entry's expiry time leads its record ({@link EntryRecord}) and is
 *       judged against Infinispan's {@link TimeService}, so tests and users that control
 *       Infinispan's clock control the store's. hmapstore's own per-entry expiry is not used: it
 *       drops expired entries silently, and {@link #purgeExpired()} must hand each one back to
 *       Infinispan for its expiration events.</li>
 *   <li>{@code BULK_READ}: {@code publishKeys}, {@code publishEntries} and {@code size} are scans
 *       of the tables.</li>
 * </ul>
 *
 * <p>Reads and writes are calls on mapped memory and complete on the caller's thread. Opening,
 * msyncing, closing and deleting files go through Infinispan's {@link BlockingManager}: at start
 * (recovery of tables left dirty by a crash happens there), on a segment's first write, on
 * {@code removeSegments}, {@code clear} and {@code stop}, and after every write with
 * {@code sync-writes}. A write that returned survives the process being killed (the pages are the
 * kernel's); {@code sync-writes} makes it survive power loss too.
 *
 * @param <K> key type
 * @param <V> value type
 */
public class HmapStore<K, V> implements NonBlockingStore<K, V> {
    private static final long SEGMENT_RESERVE = 4L << 30;
    private static final long SINGLE_RESERVE = 64L << 30;

    private HmapStoreConfiguration configuration;
    private BlockingManager blocking;
    private TimeService time;
    private PersistenceMarshaller marshaller;
    private ByteBufferFactory buffers;
    private MarshallableEntryFactory<K, V> entries;
    private SegmentTables tables;
    private Path dir;
    private volatile long recoveredEntries;

    @Override
    public CompletionStage<Void> start(InitializationContext ctx) {
        configuration = ctx.getConfiguration();
        blocking = ctx.getBlockingManager();
        time = ctx.getTimeService();
        marshaller = ctx.getPersistenceMarshaller();
        buffers = ctx.getByteBufferFactory();
        entries = ctx.getMarshallableEntryFactory();
        String cacheName = ctx.getCache().getName();
        int segments = ctx.getCache().getCacheConfiguration().clustering().hash().numSegments();
        boolean segmented = configuration.segmented();
        dir = PersistenceUtil.getQualifiedLocation(ctx.getGlobalConfiguration(), configuration.path(), cacheName, "hmap");
        long reserve = configuration.reserveBytes() > 0 ? configuration.reserveBytes()
                : segmented ? SEGMENT_RESERVE : SINGLE_RESERVE;
        tables = new SegmentTables(dir, cacheName, segmented, segments, configuration.expectedEntries(), reserve);
        return blocking.runBlocking(() -> {
            tables.openExisting();
            recoveredEntries = entriesInFiles();
        }, "hmap-store-start");
    }

    @Override
    public CompletionStage<Void> stop() {
        return blocking.runBlocking(tables::closeAll, "hmap-store-stop");
    }

    /** Deletes every file of the store: the cache is gone for good. */
    @Override
    public CompletionStage<Void> destroy() {
        return blocking.runBlocking(() -> {
            removeAllTables();
            try {
                Files.deleteIfExists(dir.resolve("layout.properties"));
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                throw new PersistenceException("hmap-store: cannot delete " + dir, e);
            }
        }, "hmap-store-destroy");
    }

    @Override
    public Set<Characteristic> characteristics() {
        return EnumSet.of(Characteristic.SEGMENTABLE, Characteristic.EXPIRATION, Characteristic.BULK_READ);
    }

    @Override
    public CompletionStage<MarshallableEntry<K, V>> load(int segment, Object key) {
        SegmentTable table = tables.get(tables.index(segment));
        if (table == null) {
            return CompletableFuture.completedFuture(null);
        }
        byte[] record = table.with(m -> m.get(marshal(key)), null);
        if (record == null || EntryRecord.isExpired(record, time.wallClockTime())) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.completedFuture(EntryRecord.decode(key, null, record, buffers, entries));
    }

    @Override
    public CompletionStage<Boolean> containsKey(int segment, Object key) {
        SegmentTable table = tables.get(tables.index(segment));
        if (table == null) {
            return CompletableFuture.completedFuture(false);
        }
        byte[] record = table.with(m -> m.get(marshal(key)), null);
        return CompletableFuture.completedFuture(record != null && !EntryRecord.isExpired(record, time.wallClockTime()));
    }

    @Override
    public CompletionStage<Void> write(int segment, MarshallableEntry<? extends K, ? extends V> entry) {
        byte[] key = EntryRecord.exact(entry.getKeyBytes());
        byte[] record = EntryRecord.encode(entry);
        int index = tables.index(segment);
        SegmentTable table = tables.get(index);
        if (table != null && put(table, key, record)) {
            return configuration.syncWrites() ? blocking.runBlocking(table::sync, "hmap-store-sync") : done();
        }
        // The segment's first write (or a write racing its removal): make its table, a file, and write, on
        // a blocking thread (a virtual thread by Infinispan 16's default; hmapstore's segment lock parks
        // a waiter that outlasts its spin, so a holder descheduled there gets its carrier back).
        return blocking.runBlocking(() -> {
            SegmentTable created = tables.openOrCreate(index);
            if (!put(created, key, record)) {
                throw new PersistenceException("hmap-store: segment " + segment + " was removed during a write to it");
            }
            if (configuration.syncWrites()) {
                created.sync();
            }
        }, "hmap-store-first-write");
    }

    private static boolean put(SegmentTable table, byte[] key, byte[] record) {
        if (EntryRecord.isMortal(record)) {
            table.markMortal();
        }
        return table.with(m -> {
            m.put(key, record);
            return Boolean.TRUE;
        }, Boolean.FALSE);
    }

    @Override
    public CompletionStage<Boolean> delete(int segment, Object key) {
        SegmentTable table = tables.get(tables.index(segment));
        if (table == null) {
            return CompletableFuture.completedFuture(false);
        }
        boolean removed = table.with(m -> m.remove(marshal(key)) != null, false);
        return CompletableFuture.completedFuture(removed);
    }

    /** A segment's table is made by its first write, so a node keeps files only for what it stores. */
    @Override
    public CompletionStage<Void> addSegments(IntSet segments) {
        return done();
    }

    /** Closes and deletes the segments' files: their memory and disk go back now. */
    @Override
    public CompletionStage<Void> removeSegments(IntSet segments) {
        return blocking.runBlocking(() -> segments.forEach((int s) -> tables.remove(tables.index(s))),
                "hmap-store-remove-segments");
    }

    @Override
    public CompletionStage<Void> clear() {
        return blocking.runBlocking(this::removeAllTables, "hmap-store-clear");
    }

    private void removeAllTables() {
        for (int i = 0; i < tables.count(); i++) {
            tables.remove(i);
        }
    }

    @Override
    public CompletionStage<Long> approximateSize(IntSet segments) {
        long total = 0;
        for (int index : TableScans.indices(tables, segments)) {
            SegmentTable table = tables.get(index);
            total += table == null ? 0 : table.with(m -> (long) m.size(), 0L);
        }
        return CompletableFuture.completedFuture(total);
    }

    @Override
    public CompletionStage<Long> size(IntSet segments) {
        return blocking.supplyBlocking(() -> TableScans.liveCount(tables, segments, time.wallClockTime()), "hmap-store-size");
    }

    @Override
    public Publisher<MarshallableEntry<K, V>> publishEntries(IntSet segments, Predicate<? super K> filter, boolean includeValues) {
        return Flowable.defer(() -> {
            long now = time.wallClockTime();
            Flowable<MarshallableEntry<K, V>> all = TableScans.entries(tables, segments)
                    .filter(e -> !EntryRecord.isExpired(e.getValue(), now))
                    .map(e -> EntryRecord.decode(null, e.getKey(), e.getValue(), buffers, entries));
            return filter == null ? all : all.filter(me -> filter.test(me.getKey()));
        });
    }

    @Override
    public Publisher<K> publishKeys(IntSet segments, Predicate<? super K> filter) {
        return Flowable.defer(() -> {
            long now = time.wallClockTime();
            Flowable<K> keys = TableScans.entries(tables, segments)
                    .filter(e -> !EntryRecord.isExpired(e.getValue(), now))
                    .map(e -> this.<K>unmarshal(e.getKey()));
            return filter == null ? keys : keys.filter(filter::test);
        });
    }

    /** Removes every entry whose expiry time has passed by Infinispan's clock, and hands each one back. */
    @Override
    public Publisher<MarshallableEntry<K, V>> purgeExpired() {
        return Flowable.defer(() -> {
            long now = time.wallClockTime();
            return TableScans.purge(tables, now)
                    .map(e -> EntryRecord.decode(null, e.getKey(), e.getValue(), buffers, entries));
        });
    }

    private byte[] marshal(Object key) {
        try {
            return marshaller.objectToByteBuffer(key);
        } catch (IOException e) {
            throw new PersistenceException("hmap-store: cannot marshal key " + key, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PersistenceException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private <T> T unmarshal(byte[] bytes) {
        try {
            return (T) marshaller.objectFromByteBuffer(bytes);
        } catch (IOException | ClassNotFoundException e) {
            throw new PersistenceException("hmap-store: cannot unmarshal a stored key", e);
        }
    }

    private static CompletionStage<Void> done() {
        return CompletableFuture.completedFuture(null);
    }

    /** @return how many entries (expired ones included) the store's files held when it started */
    public long recoveredEntries() {
        return recoveredEntries;
    }

    /** @return how many entries (expired ones included) the store's open tables hold now */
    public long entriesInFiles() {
        long total = 0;
        for (int i = 0; i < tables.count(); i++) {
            SegmentTable table = tables.get(i);
            total += table == null ? 0 : table.with(m -> (long) m.size(), 0L);
        }
        return total;
    }

    /** @return the directory of this store's files (for tests and tools) */
    public Path directory() {
        return dir;
    }
}

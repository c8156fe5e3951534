package io.hmapstore.infinispan;

import io.hmapstore.Codecs;
import io.hmapstore.Concurrency;
import io.hmapstore.OffHeapMap;
import io.hmapstore.StoreException;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntConsumer;
import org.infinispan.persistence.spi.PersistenceException;

/**
 * The store's tables on disk: {@code segment-N.hmap} per Infinispan segment in the store's
 * directory (one {@code cache.hmap} when the store is not segmented), and {@code layout.properties}
 * saying how many segments the files were written for.
 *
 * <p>A segment's table is made when its first entry is written, not when the store starts, so a
 * node keeps files only for what it owns; dropping a segment closes and deletes its file at once,
 * so its memory and disk go back to the system then, not at some later compaction. The layout file
 * is what makes a wrong configuration fail loudly: the same directory opened with another segment
 * count (or segmented after not) would file every key under the wrong segment.
 *
 * <p>Every method here opens, syncs or deletes files: callers run them through Infinispan's
 * {@code BlockingManager}.
 */
final class SegmentTables {
    private static final String LAYOUT = "layout.properties";

    private final Path dir;
    private final String storeName;
    private final boolean segmented;
    private final int segments;
    private final long expectedPerTable;
    private final long reserveBytes;
    private final AtomicReferenceArray<SegmentTable> tables;

    /**
     * @param storeName names the store in errors (the cache's name)
     */
    SegmentTables(Path dir, String storeName, boolean segmented, int segments, long expectedEntries, long reserveBytes) {
        this.dir = dir;
        this.storeName = storeName;
        this.segmented = segmented;
        this.segments = segmented ? segments : 1;
        this.expectedPerTable = Math.max(64, expectedEntries / this.segments);
        this.reserveBytes = reserveBytes;
        this.tables = new AtomicReferenceArray<>(this.segments);
    }

    int count() {
        return segments;
    }

    /** @return the table index for an Infinispan segment: itself when segmented, else the one table */
    int index(int segment) {
        return segmented ? segment : 0;
    }

    /** @return the open table at {@code index}, or null if it has none */
    SegmentTable get(int index) {
        return tables.get(index);
    }

    /** Checks (or writes) the layout, then opens, and recovers if need be, every table file found. */
    void openExisting() {
        try {
            Files.createDirectories(dir);
            checkLayout();
            for (int i = 0; i < segments; i++) {
                if (Files.exists(file(i))) {
                    tables.set(i, open(i));
                }
            }
        } catch (IOException e) {
            throw new PersistenceException("hmap-store of cache '" + storeName + "': cannot use directory " + dir, e);
        }
    }

    /** @return the table at {@code index}, made now if it has none (two racing callers get the same one) */
    SegmentTable openOrCreate(int index) {
        SegmentTable table = tables.get(index);
        if (table != null) {
            return table;
        }
        synchronized (this) {
            table = tables.get(index);
            if (table == null) {
                table = open(index);
                tables.set(index, table);
            }
            return table;
        }
    }

    /** Closes and deletes the table at {@code index}, giving its memory and disk back now. */
    void remove(int index) {
        SegmentTable table;
        synchronized (this) {
            table = tables.getAndSet(index, null);
        }
        if (table != null) {
            table.close(false);
        }
        try {
            Files.deleteIfExists(file(index));
        } catch (IOException e) {
            throw new UncheckedIOException("hmap-store of cache '" + storeName + "': cannot delete " + file(index), e);
        }
    }

    /** Syncs and closes every table (a clean stop). */
    void closeAll() {
        forEachOpen(i -> {
            SegmentTable table = tables.getAndSet(i, null);
            if (table != null) {
                table.close(true);
            }
        });
    }

    /** msyncs every open table. */
    void syncAll() {
        forEachOpen(i -> {
            SegmentTable table = tables.get(i);
            if (table != null) {
                table.sync();
            }
        });
    }

    void forEachOpen(IntConsumer action) {
        for (int i = 0; i < segments; i++) {
            if (tables.get(i) != null) {
                action.accept(i);
            }
        }
    }

    private Path file(int index) {
        return dir.resolve(segmented ? "segment-" + index + ".hmap" : "cache.hmap");
    }

    private SegmentTable open(int index) {
        Path file = file(index);
        boolean existed = Files.exists(file);
        try {
            OffHeapMap<byte[], byte[]> map = OffHeapMap.of(Codecs.bytes(), Codecs.bytes())
                    .concurrency(Concurrency.CONCURRENT)
                    .expectedEntries(expectedPerTable)
                    .reserveBytes(reserveBytes)
                    .persistTo(file)
                    .open();
            return new SegmentTable(map, file, existed);
        } catch (StoreException e) {
            throw new PersistenceException("hmap-store of cache '" + storeName + "': cannot open " + file
                    + " (is another node's process using the same location? each node needs its own): "
                    + e.getMessage(), e);
        }
    }

    private void checkLayout() throws IOException {
        Path layout = dir.resolve(LAYOUT);
        String expected = segmented ? Integer.toString(segments) : "unsegmented";
        if (Files.exists(layout)) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(layout)) {
                p.load(r);
            }
            String found = p.getProperty("segments");
            if (!expected.equals(found)) {
                throw new PersistenceException("hmap-store of cache '" + storeName + "': " + dir
                        + " holds files written for segments=" + found + " but the cache is configured with segments="
                        + expected + " (clustering hash numSegments and the store's segmented attribute must not"
                        + " change over a store's files; use a new path or migrate the data)");
            }
            return;
        }
        Properties p = new Properties();
        p.setProperty("segments", expected);
        Path tmp = dir.resolve(LAYOUT + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp)) {
            p.store(w, "hmapstore Infinispan store layout: do not edit");
        }
        Files.move(tmp, layout, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}

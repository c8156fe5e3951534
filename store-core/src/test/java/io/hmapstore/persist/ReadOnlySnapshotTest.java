package io.hmapstore.persist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hmapstore.Codecs;
import io.hmapstore.OffHeapMap;
import io.hmapstore.StoreException;
import io.hmapstore.StoreFileSnapshot;
import io.hmapstore.StoreStats;
import io.hmapstore.VerifyReport;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link io.hmapstore.StoreFiles#openReadOnly}: the same figures a writer's open shows, and nothing written. */
class ReadOnlySnapshotTest {
    @TempDir
    Path dir;

    private static OffHeapMap.Builder<String, byte[]> builder(Path file, boolean bounded) {
        OffHeapMap.Builder<String, byte[]> b = OffHeapMap.of(Codecs.utf8(), Codecs.bytes()).persistTo(file).seed(5);
        return bounded ? b.maxEntries(50_000) : b;
    }

    @Test
    void snapshot_showsWhatTheWritersOpenShows_andWritesNothing() throws Exception {
        for (boolean bounded : new boolean[] {false, true}) {
            Path file = dir.resolve("shape-" + bounded + ".hmap");
            try (OffHeapMap<String, byte[]> store = builder(file, bounded).open()) {
                for (int i = 0; i < 8_000; i++) {
                    store.put("k" + i, new byte[i % 7 == 0 ? 20_000 : i % 300]);
                }
                for (int i = 0; i < 8_000; i += 3) {
                    store.remove("k" + i);
                }
            }
            // Looked at as the writer left it (blocks it retired may still be marked live in the file) ...
            byte[] before = Files.readAllBytes(file);
            StoreStats seen;
            VerifyReport report;
            try (StoreFileSnapshot snapshot = io.hmapstore.StoreFiles.openReadOnly(file)) {
                assertFalse(snapshot.writerAttached());
                assertTrue(snapshot.info().clean());
                seen = snapshot.stats();
                report = snapshot.verify();
            }
            assertArrayEquals(before, Files.readAllBytes(file), "the look wrote nothing");
            // ... it counts what the next writer's open finds in use, which frees the rest.
            StoreStats expected;
            try (OffHeapMap<String, byte[]> reopened = builder(file, bounded).open()) {
                expected = reopened.stats();
            }
            assertEquals(expected.entries(), seen.entries());
            assertArrayEquals(expected.bucketsLog2(), seen.bucketsLog2());
            assertArrayEquals(expected.segmentEntries(), seen.segmentEntries());
            assertArrayEquals(expected.segmentOverflowBuckets(), seen.segmentOverflowBuckets());
            assertArrayEquals(expected.chainLengthHistogram(), seen.chainLengthHistogram());
            assertEquals(expected.bytesBySizeClass(), seen.bytesBySizeClass(), "bounded " + bounded);
            assertEquals(expected.heapBytesInUse(), seen.heapBytesInUse());
            assertTrue(report.isClean(), report.problems().toString());
            assertEquals(expected.entries(), report.entriesChecked());
        }
    }

    @Test
    void snapshot_ofAFileThisProcessWrites_isRefusedBeforeAnyDescriptorIsOpened() {
        Path file = dir.resolve("live.hmap");
        try (OffHeapMap<String, byte[]> store = builder(file, false).open()) {
            store.put("a", new byte[1]);
            StoreException e = assertThrows(StoreException.class, () -> io.hmapstore.StoreFiles.openReadOnly(file));
            assertEquals("store file " + file + " is open for writing in this process; use that store's stats() and"
                    + " verify()", e.getMessage());
        }
        try (StoreFileSnapshot snapshot = io.hmapstore.StoreFiles.openReadOnly(file)) {
            assertEquals(1, snapshot.stats().entries(), "once closed, it can be looked at");
        }
    }
}

package io.hmapstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hmapstore.store.TableStore;
import io.hmapstore.table.HashTable;
import io.hmapstore.table.SegmentHeader;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code Corruption} event means a damaged store. A lock-free reader can see a writer's half-made
 * state, which looks damaged: only what is found in a stable segment may be recorded.
 */
class CorruptionEventsTest {
    /** A bucket array offset inside the store's first page, where no bucket array can be. */
    private static final long GARBAGE = 8;
    private static final int KEYS = 256;

    @Test
    void lockFreeReaders_recordNoCorruption_whenAWriterMakesAHeaderLookDamagedWhileHoldingTheStamp(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("torn.jfr");
        AtomicLong windows = new AtomicLong();
        long passes;
        try (Recording recording = corruptionRecording()) {
            try (TableStore<String, String> store = open()) {
                HashTable table = store.table();
                MemorySegment m = store.memory();
                // A writer that holds each segment's stamp while its bucket array offset is garbage, as a
                // growth holds it while the header is half rewritten.
                passes = race(() -> {
                    for (int s = 0; s < table.segments; s++) {
                        long stamp;
                        while ((stamp = table.tryBeginWrite(s)) < 0) {
                            Thread.onSpinWait();
                        }
                        long at = table.header(s) + SegmentHeader.BUCKETS;
                        long buckets = m.get(ValueLayout.JAVA_LONG, at);
                        m.set(ValueLayout.JAVA_LONG, at, GARBAGE);
                        for (int spin = 0; spin < 20; spin++) {
                            Thread.onSpinWait();
                        }
                        m.set(ValueLayout.JAVA_LONG, at, buckets);
                        table.endWrite(s, stamp);
                        windows.incrementAndGet();
                    }
                }, () -> {
                    for (int k = 0; k < KEYS; k++) {
                        assertEquals("value-" + k, store.get("key-" + k));
                    }
                });
                assertTrue(store.verify().isClean());
            }
            recording.stop();
            recording.dump(file);
        }
        assertTrue(windows.get() > 100 && passes > 100, windows + " damaged windows, " + passes + " passes over the keys");
        assertEquals(List.of(), corruptions(file), "Corruption events recorded on a sound store");
    }

    /** The same with a real writer, whose puts and removes grow and shrink the segments the readers read. */
    @Test
    void lockFreeReaders_recordNoCorruption_whileAWriterGrowsAndShrinksTheirSegments(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("race.jfr");
        try (Recording recording = corruptionRecording()) {
            try (OffHeapMap<Long, byte[]> store = OffHeapMap.of(Codecs.longs(), Codecs.bytes())
                    .concurrency(Concurrency.CONCURRENT).expectedEntries(0).open()) {
                race(() -> {
                    for (long k = 0; k < 64; k++) {
                        store.put(k, ConcurrentStressTest.value(k, 1));
                    }
                    for (long k = 0; k < 64; k++) {
                        store.remove(k);
                    }
                }, () -> {
                    for (long k = 0; k < 64; k++) {
                        byte[] v = store.get(k);
                        if (v != null) {
                            ConcurrentStressTest.versionOf(k, v);
                        }
                    }
                });
                assertTrue(store.verify().isClean());
            }
            recording.stop();
            recording.dump(file);
        }
        assertEquals(List.of(), corruptions(file), "Corruption events recorded on a sound store");
    }

    @Test
    void aDamagedHeader_throwsToTheReader_andIsRecordedOnce(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("damaged.jfr");
        try (Recording recording = corruptionRecording()) {
            try (TableStore<String, String> store = open()) {
                HashTable table = store.table();
                for (int s = 0; s < table.segments; s++) {
                    store.memory().set(ValueLayout.JAVA_LONG, table.header(s) + SegmentHeader.BUCKETS, GARBAGE);
                }
                CorruptedStoreException e = assertThrows(CorruptedStoreException.class, () -> store.get("key-1"));
                assertTrue(e.getMessage().contains("0x8 (outside the heap)"), e.getMessage());
            }
            recording.stop();
            recording.dump(file);
        }
        List<String> recorded = corruptions(file);
        assertEquals(1, recorded.size(), "one event for one damaged read, from under the lock: " + recorded);
    }

    private static TableStore<String, String> open() {
        TableStore<String, String> store = (TableStore<String, String>) OffHeapMap.of(Codecs.utf8(), Codecs.utf8())
                .concurrency(Concurrency.CONCURRENT).open();
        for (int k = 0; k < KEYS; k++) {
            store.put("key-" + k, "value-" + k);
        }
        return store;
    }

    /**
     * Runs {@code writerStep} over and over on a thread of its own while this thread runs {@code readerPass}
     * over and over, for a second.
     *
     * @return the reader's passes
     */
    private static long race(Runnable writerStep, Runnable readerPass) throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                while (!stop.get()) {
                    writerStep.run();
                }
            } catch (Throwable t) {
                failed.set(t);
            }
        }, "writer");
        writer.start();
        long passes = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        try {
            while (System.nanoTime() < deadline) {
                readerPass.run();
                passes++;
            }
        } finally {
            stop.set(true);
            writer.join(10_000);
        }
        assertNull(failed.get(), "the writer failed");
        return passes;
    }

    private static Recording corruptionRecording() {
        Recording recording = new Recording();
        recording.enable("io.hmapstore.Corruption");
        recording.start();
        return recording;
    }

    private static List<String> corruptions(Path file) throws Exception {
        return RecordingFile.readAllEvents(file).stream()
                .filter(e -> e.getEventType().getName().equals("io.hmapstore.Corruption"))
                .map(e -> e.getString("message")).toList();
    }
}

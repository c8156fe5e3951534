package io.hmapstore.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hmapstore.Codecs;
import io.hmapstore.OffHeapMap;
import io.hmapstore.StoreException;
import io.hmapstore.StoreFileInfo;
import io.hmapstore.memory.ReleasePolicy;
import io.hmapstore.store.TableStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The life of a store file: dirty while open, clean after {@code close()}, recovered when found
 * dirty, locked against a second opener in this process and in another, and given back to the disk
 * by PUNCH_HOLE.
 */
class FileLifecycleTest {
    @TempDir
    Path dir;

    private static OffHeapMap<String, String> open(Path file) {
        return OffHeapMap.of(Codecs.utf8(), Codecs.utf8()).persistTo(file).reserveBytes(1L << 30).open();
    }

    @Test
    void superblock_readsDirtyWhileOpen_andCleanAfterClose() throws Exception {
        Path file = dir.resolve("state.hmap");
        try (OffHeapMap<String, String> store = open(file)) {
            store.put("a", "b");
            assertFalse(StoreFileInfo.read(file).clean(), "an open store's file reads dirty");
        }
        StoreFileInfo info = StoreFileInfo.read(file);
        assertTrue(info.clean(), "close() marks the file clean");
        assertEquals("utf8", info.keyCodec());
        assertEquals(-1, info.valueSize());
        assertEquals(2, info.formatVersion());
        assertEquals(StoreFiles.PAGE, info.pageSize());
        assertEquals(Files.size(file), info.fileBytes());
    }

    @Test
    void sync_thenCopyOfOpenFile_isDirtyAndRecoversEveryEntry() throws Exception {
        Path file = dir.resolve("live.hmap");
        Path copy = dir.resolve("copy.hmap");
        Map<String, String> model = new HashMap<>();
        try (OffHeapMap<String, String> store = open(file)) {
            for (int i = 0; i < 5000; i++) {
                store.put("k" + i, "v".repeat(i % 50));
                model.put("k" + i, "v".repeat(i % 50));
            }
            for (int i = 0; i < 5000; i += 3) {
                store.remove("k" + i);
                model.remove("k" + i);
            }
            store.sync();
            // What a crash right now would leave: the file as it is, still marked dirty.
            Files.copy(file, copy);
        }
        assertFalse(StoreFileInfo.read(copy).clean());
        try (OffHeapMap<String, String> recovered = open(copy)) {
            assertTrue(((TableStore<String, String>) recovered).wasRecovered(), "a dirty file is recovered on open");
            assertTrue(recovered.verify().isClean(), recovered.verify().problems().toString());
            assertEquals(model, new HashMap<>(recovered));
        }
        assertTrue(StoreFileInfo.read(copy).clean());
        try (OffHeapMap<String, String> reopened = open(file)) {
            assertFalse(((TableStore<String, String>) reopened).wasRecovered());
            assertEquals(model, new HashMap<>(reopened));
        }
    }

    @Test
    void open_secondOpenerInThisProcess_isRefusedUntilTheFirstCloses() {
        Path file = dir.resolve("locked.hmap");
        try (OffHeapMap<String, String> first = open(file)) {
            first.put("a", "1");
            StoreException e = assertThrows(StoreException.class, () -> open(file).close());
            assertEquals("store file " + file + " is already open in this process; close it first", e.getMessage());
            assertEquals("1", first.get("a"), "the refused opener did not disturb the first");
        }
        try (OffHeapMap<String, String> again = open(file)) {
            assertEquals("1", again.get("a"));
        }
    }

    @Test
    void open_fileHeldByAnotherProcess_isRefusedUntilItCloses() throws Exception {
        Path file = dir.resolve("shared.hmap");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), LockHolderChild.class.getName(), file.toString()))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            assertEquals("READY", out.readLine(), "the child opened the store");
            StoreException e = assertThrows(StoreException.class,
                    () -> OffHeapMap.of(Codecs.longs(), Codecs.longs()).persistTo(file).open().close());
            assertEquals("store file " + file + " is open for writing in another process; one writer process at a time",
                    e.getMessage());
            child.getOutputStream().close();
            assertEquals("CLOSED", out.readLine());
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, child.exitValue());
        } finally {
            child.destroyForcibly();
        }
        try (OffHeapMap<Long, Long> store = OffHeapMap.of(Codecs.longs(), Codecs.longs()).persistTo(file).open()) {
            assertEquals(2, store.getLong(1, -1), "the lock went with the other process's close");
        }
    }

    @Test
    void clear_withPunchHole_givesDiskBlocksBack_whereDontneedKeepsThem() {
        long punched = allocatedAfterClear(ReleasePolicy.PUNCH_HOLE, "punch.hmap");
        long kept = allocatedAfterClear(ReleasePolicy.DONTNEED, "keep.hmap");
        assertTrue(punched < 1 << 20, "PUNCH_HOLE leaves under 1 MiB allocated: " + punched);
        assertTrue(kept > 8 << 20, "DONTNEED frees no disk blocks: " + kept);
    }

    /** Fills a store with about 10 MiB, clears it, and returns the file's allocated bytes after. */
    private long allocatedAfterClear(ReleasePolicy policy, String name) {
        Path file = dir.resolve(name);
        try (TableStore<Long, String> store = (TableStore<Long, String>) OffHeapMap.of(Codecs.longs(), Codecs.utf8())
                .persistTo(file).releasePolicy(policy).reserveBytes(1L << 30).open()) {
            String value = "x".repeat(1000);
            for (long i = 0; i < 10_000; i++) {
                store.put(i, value);
            }
            store.sync();
            long before = store.region().allocatedFileBytes();
            assertTrue(before > 10L << 20, policy + ": the filled file has its blocks allocated: " + before);
            store.clear();
            store.sync();
            return store.region().allocatedFileBytes();
        }
    }
}

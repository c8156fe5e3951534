package io.hmapstore.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hmapstore.Codecs;
import io.hmapstore.OffHeapMap;
import io.hmapstore.StoreFileInfo;
import io.hmapstore.store.TableStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When a store file says dirty. A file found clean is marked dirty (durably) before the opening's
 * first write, not when it is opened, so opening a file only to read it costs no msync and leaves it
 * clean; a process killed before writing leaves nothing to recover. A new file, and a store whose
 * reads write (expiry, eviction), are marked when opened, as before. The state is read the way a tool
 * would, from the file's superblock on disk ({@link StoreFileInfo#read}), while the store is open.
 */
class DirtyMarkTest {
    @TempDir
    Path dir;

    private static OffHeapMap.Builder<Long, Long> longs(Path file) {
        return OffHeapMap.of(Codecs.longs(), Codecs.longs()).persistTo(file);
    }

    private Path fileWithEntries(int n) {
        Path file = dir.resolve("store.hmap");
        try (OffHeapMap<Long, Long> map = longs(file).open()) {
            for (long k = 0; k < n; k++) {
                map.putLong(k, k * 3);
            }
        }
        assertTrue(StoreFileInfo.read(file).clean(), "a closed file says clean");
        return file;
    }

    @Test
    void aCleanFile_staysCleanWhileOnlyRead_andIsDirtyFromItsFirstWrite() {
        Path file = fileWithEntries(1000);
        try (OffHeapMap<Long, Long> map = longs(file).open()) {
            assertEquals(999 * 3, map.getLong(999, -1));
            assertEquals(1000, map.size());
            map.entrySet().forEach(e -> assertEquals(e.getKey() * 3, e.getValue()));
            assertTrue(StoreFileInfo.read(file).clean(), "reads leave the file clean");

            map.putLong(5000, 1);
            assertFalse(StoreFileInfo.read(file).clean(), "the first write marks it dirty");
        }
        assertTrue(StoreFileInfo.read(file).clean());
        try (OffHeapMap<Long, Long> map = longs(file).open()) {
            assertEquals(1, map.getLong(5000, -1));
            map.remove(5000L);
            assertFalse(StoreFileInfo.read(file).clean(), "a remove is a write too");
        }
        try (OffHeapMap<Long, Long> map = longs(file).open()) {
            map.clear();
            assertFalse(StoreFileInfo.read(file).clean(), "and so is clear()");
        }
    }

    /**
     * A compaction plans and sweeps the heap before it enters any segment, and may enter none (here the
     * heap has nothing to move): the mark comes first all the same.
     */
    @Test
    void compactAndCleanUp_markTheFileDirtyBeforeTheyTouchTheHeap() {
        Path file = fileWithEntries(0);
        try (OffHeapMap<Long, Long> map = longs(file).open()) {
            assertTrue(StoreFileInfo.read(file).clean());
            map.compact();
            assertFalse(StoreFileInfo.read(file).clean(), "compact() marks it dirty");
        }
        try (OffHeapMap<Long, Long> map = longs(file).open()) {
            map.cleanUp();
            assertFalse(StoreFileInfo.read(file).clean(), "and so does cleanUp()");
            assertTrue(map.isEmpty());
        }
        assertTrue(StoreFileInfo.read(file).clean());
    }

    @Test
    void aNewFile_andAStoreWhoseReadsWrite_areDirtyOnceOpen() {
        Path file = dir.resolve("new.hmap");
        try (OffHeapMap<Long, Long> map = longs(file).open()) {
            assertFalse(StoreFileInfo.read(file).clean(), "a file being created says dirty at once");
            assertTrue(map.isEmpty());
        }
        Path expiring = dir.resolve("expiring.hmap");
        longs(expiring).expireAfterWrite(Duration.ofHours(1)).open().close();
        assertTrue(StoreFileInfo.read(expiring).clean());
        try (OffHeapMap<Long, Long> map = longs(expiring).expireAfterWrite(Duration.ofHours(1)).open()) {
            assertFalse(StoreFileInfo.read(expiring).clean(), "an expiring store's reads may remove entries");
            assertTrue(map.isEmpty());
        }
    }

    /**
     * A child opens a clean file, reads every entry, says so, and is killed: the file it leaves needs no
     * recovery and holds every entry. A child killed after one write leaves it dirty, and it is recovered.
     */
    @Test
    void killedBeforeItsFirstWrite_leavesTheFileClean() throws Exception {
        Path file = fileWithEntries(2000);
        killChildAfter(file, "read");
        assertTrue(StoreFileInfo.read(file).clean(), "a reader killed leaves the file clean");
        try (TableStore<Long, Long> store = (TableStore<Long, Long>) longs(file).open()) {
            assertFalse(store.wasRecovered());
            assertEquals(2000, store.size());
            assertTrue(store.verify().isClean(), store.verify().problems().toString());
        }

        killChildAfter(file, "write");
        assertFalse(StoreFileInfo.read(file).clean(), "a writer killed leaves the file dirty");
        try (TableStore<Long, Long> store = (TableStore<Long, Long>) longs(file).open()) {
            assertTrue(store.wasRecovered());
            assertEquals(2001, store.size());
            assertEquals(7, store.getLong(-1, 0));
        }
    }

    private static void killChildAfter(Path file, String what) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), Child.class.getName(), file.toString(), what))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            assertEquals("DONE", out.readLine(), "the child " + what + " before it was killed");
            child.toHandle().destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
    }

    /** Opens the file, reads every entry (or writes key -1), prints DONE, and waits to be killed. */
    static final class Child {
        public static void main(String[] args) throws Exception {
            OffHeapMap<Long, Long> map = longs(Path.of(args[0])).open();
            if (args[1].equals("write")) {
                map.putLong(-1, 7);
            } else {
                map.entrySet().forEach(e -> {
                    if (e.getValue() != e.getKey() * 3) {
                        throw new AssertionError(e.toString());
                    }
                });
            }
            System.out.println("DONE");
            System.out.flush();
            Thread.sleep(60_000);
        }

        private Child() {
        }
    }
}

package io.hmapstore.persist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hmapstore.Codecs;
import io.hmapstore.CorruptedStoreException;
import io.hmapstore.OffHeapMap;
import io.hmapstore.StoreException;
import io.hmapstore.StoreFileInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files that are not whole stores — truncated, zero-filled, random, text — are refused by
 * {@code open()} with a message that names the file and says what is wrong, and are left as they
 * were; {@link StoreFileInfo#read} refuses those without a store superblock and shows a cut store's
 * superblock with its wrong length. An empty file is the one exception, by contract: opening a
 * 0-byte file creates a new store in it (as opening a path that does not exist does).
 */
class DamagedFileTest {
    @TempDir
    Path dir;
    private Path good;

    @BeforeEach
    void makeFile() {
        good = dir.resolve("good.hmap");
        try (OffHeapMap<String, byte[]> store = OffHeapMap.of(Codecs.utf8(), Codecs.bytes()).persistTo(good).open()) {
            for (int i = 0; i < 3000; i++) {
                store.put("key-" + i, new byte[i % 200]);
            }
        }
    }

    private static StoreException refusedByOpen(Path file) {
        return assertThrows(StoreException.class,
                () -> OffHeapMap.of(Codecs.utf8(), Codecs.bytes()).persistTo(file).open().close());
    }

    private Path withBytes(String name, byte[] bytes) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, bytes);
        return file;
    }

    private void assertRefusedAndUntouched(Path file, String expectedMessagePart) throws IOException {
        byte[] before = Files.readAllBytes(file);
        StoreException open = refusedByOpen(file);
        assertTrue(open.getMessage().startsWith("store file " + file), open.getMessage());
        assertTrue(open.getMessage().contains(expectedMessagePart), open.getMessage());
        if (before.length < StoreFiles.PAGE || !Arrays.equals(before, 0, 8, Files.readAllBytes(good), 0, 8)) {
            StoreException info = assertThrows(StoreException.class, () -> StoreFileInfo.read(file));
            assertTrue(info.getMessage().startsWith("store file " + file), info.getMessage());
        } else {
            // A cut store still has its superblock: read() shows it, with the length that is wrong.
            assertEquals(before.length, StoreFileInfo.read(file).fileBytes());
        }
        assertArrayEquals(before, Files.readAllBytes(file), "a refused file is left as it was");
    }

    @Test
    void open_refusesFileCutToNonPageMultiple_namingLengthAndPageSize() throws IOException {
        byte[] bytes = Files.readAllBytes(good);
        Path cut = withBytes("cut.hmap", Arrays.copyOf(bytes, bytes.length - 100));
        assertRefusedAndUntouched(cut, "is " + (bytes.length - 100) + " bytes: a store file is a whole number of "
                + StoreFiles.PAGE + "-byte pages");
    }

    @Test
    void open_refusesFileCutBelowItsHeapTop_namingTopAndLength() throws IOException {
        byte[] bytes = Files.readAllBytes(good);
        long top = StoreFiles.read(good).getLong(StoreFiles.HEAP_TOP);
        assertTrue(top > 2 * StoreFiles.PAGE && top <= bytes.length, "heap top " + top + " of " + bytes.length);
        int pages = 2;
        Path cut = withBytes("short.hmap", Arrays.copyOf(bytes, (int) (pages * StoreFiles.PAGE)));
        byte[] before = Files.readAllBytes(cut);
        CorruptedStoreException e = assertInstanceOf(CorruptedStoreException.class, refusedByOpen(cut));
        assertTrue(e.getMessage().contains("heap top 0x" + Long.toHexString(top)), e.getMessage());
        assertTrue(e.getMessage().contains(", 0x" + Long.toHexString(pages * StoreFiles.PAGE) + "] (the file's length)"),
                e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(cut));
    }

    @Test
    void open_refusesZeroFilledFile_asNotAStore() throws IOException {
        Path zeros = withBytes("zeros.hmap", new byte[(int) (16 * StoreFiles.PAGE)]);
        assertRefusedAndUntouched(zeros, "is not an hmapstore file: magic 0x0, expected 0x524f545350414d48");
    }

    @Test
    void open_refusesRandomBytes_asNotAStore() throws IOException {
        byte[] noise = new byte[(int) (8 * StoreFiles.PAGE)];
        new SplittableRandom(7).nextBytes(noise);
        assertRefusedAndUntouched(withBytes("noise.hmap", noise), "is not an hmapstore file: magic 0x");
    }

    @Test
    void open_refusesTextFile_namingItsLength() throws IOException {
        byte[] text = "key=value\nanother=line\n".repeat(50).getBytes(StandardCharsets.UTF_8);
        assertRefusedAndUntouched(withBytes("notes.txt", text), "is " + text.length + " bytes");
    }

    @Test
    void open_refusesPageSizedTextFile_asNotAStore() throws IOException {
        byte[] text = Arrays.copyOf("# just a page of text\n".getBytes(StandardCharsets.UTF_8), (int) StoreFiles.PAGE);
        assertRefusedAndUntouched(withBytes("page.txt", text), "is not an hmapstore file: magic 0x");
    }

    @Test
    void open_refusesBucketArrayWhoseHeaderSaysSlab_insteadOfCarvingIt() throws IOException {
        java.nio.ByteBuffer bytes = StoreFiles.read(good);
        long array = bytes.getLong((int) StoreFiles.segmentHeader(0) + StoreFiles.SEG_BUCKETS);
        long start = array - 64;
        assertEquals(1, bytes.get((int) start + 60), "kind byte of a bucket array");
        bytes.put((int) start + 60, (byte) 4);
        Path forged = dir.resolve("slab.hmap");
        StoreFiles.write(forged, bytes);
        // Before the check, open() carved the live array into free small blocks and succeeded, and
        // verify() then found hundreds of problems; a one-page block so marked near the end of the
        // file made the carving write past the mapping (IndexOutOfBoundsException).
        CorruptedStoreException e = assertInstanceOf(CorruptedStoreException.class, refusedByOpen(forged));
        assertTrue(e.getMessage().startsWith("entry heap: block at 0x" + Long.toHexString(start) + " says it is a slab"),
                e.getMessage());
    }

    @Test
    void open_refusesOnePageBlockWhoseHeaderSaysSlab_namingItsSize() throws IOException {
        java.nio.ByteBuffer bytes = StoreFiles.read(good);
        long start = 2 * StoreFiles.PAGE;
        long top = bytes.getLong(StoreFiles.HEAP_TOP);
        while (start < top && bytes.getShort((int) start + 62) != 0) {
            start += StoreFiles.PAGE << bytes.getShort((int) start + 62);
        }
        assertTrue(start < top, "the heap has a one-page block");
        bytes.put((int) start + 60, (byte) 4);
        Path forged = dir.resolve("page.hmap");
        StoreFiles.write(forged, bytes);
        CorruptedStoreException e = assertInstanceOf(CorruptedStoreException.class, refusedByOpen(forged));
        assertTrue(e.getMessage().contains("says it is a slab, but it is " + StoreFiles.PAGE + " bytes (a slab is 65536)"),
                e.getMessage());
    }

    @Test
    void open_emptyFile_createsANewStoreInIt() throws IOException {
        Path empty = withBytes("empty.hmap", new byte[0]);
        try (OffHeapMap<String, byte[]> store = OffHeapMap.of(Codecs.utf8(), Codecs.bytes()).persistTo(empty).open()) {
            assertEquals(0, store.size());
            store.put("a", new byte[] {1});
        }
        assertEquals(0, Files.size(empty) % StoreFiles.PAGE);
        assertEquals("utf8", StoreFileInfo.read(empty).keyCodec());
        try (OffHeapMap<String, byte[]> store = OffHeapMap.of(Codecs.utf8(), Codecs.bytes()).persistTo(empty).open()) {
            assertArrayEquals(new byte[] {1}, store.get("a"));
        }
    }

    @Test
    void describe_emptyFile_isRefusedAsShorterThanAPage() throws IOException {
        Path empty = withBytes("empty.hmap", new byte[0]);
        StoreException e = assertThrows(StoreException.class, () -> StoreFileInfo.read(empty));
        assertEquals("store file " + empty + " is 0 bytes: a store file is at least one " + StoreFiles.PAGE
                + "-byte page", e.getMessage());
    }
}

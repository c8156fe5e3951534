package io.hmapstore.persist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hmapstore.Codec;
import io.hmapstore.Codecs;
import io.hmapstore.CorruptedStoreException;
import io.hmapstore.OffHeapMap;
import io.hmapstore.StoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file reopened with the wrong codecs, another value size, a newer format version or another page
 * size is refused with a {@link StoreException} that says which and what was expected; the refused
 * file is left as it was and opens fine with the right settings.
 */
class ReopenMismatchTest {
    @TempDir
    Path dir;
    private Path file;
    private byte[] original;

    @BeforeEach
    void makeFile() throws IOException {
        file = dir.resolve("longs.hmap");
        try (OffHeapMap<Long, Long> store = OffHeapMap.of(Codecs.longs(), Codecs.longs()).persistTo(file).open()) {
            for (long i = 0; i < 500; i++) {
                store.putLong(i, i * i);
            }
        }
        original = Files.readAllBytes(file);
    }

    private <K, V> StoreException refused(Path path, Codec<K> keys, Codec<V> values) {
        return assertThrows(StoreException.class, () -> OffHeapMap.of(keys, values).persistTo(path).open().close());
    }

    private void assertUntouchedAndStillOpens() throws IOException {
        assertArrayEquals(original, Files.readAllBytes(file), "a refused open leaves the file as it was");
        try (OffHeapMap<Long, Long> store = OffHeapMap.of(Codecs.longs(), Codecs.longs()).persistTo(file).open()) {
            assertEquals(500, store.size());
            assertEquals(49L * 49, store.getLong(49, -1));
        }
    }

    @Test
    void open_refusesOtherKeyCodec_namingBothCodecs() throws IOException {
        StoreException e = refused(file, Codecs.ints(), Codecs.longs());
        assertEquals("store file " + file + " holds keys of codec 'longs/le64' (8 bytes); it was opened with codec"
                + " 'ints/le32' (4 bytes)", e.getMessage());
        assertUntouchedAndStillOpens();
    }

    @Test
    void open_refusesOtherValueCodec_namingBothCodecs() throws IOException {
        StoreException e = refused(file, Codecs.longs(), Codecs.utf8());
        assertTrue(e.getMessage().contains("holds values of codec 'longs/le64' (8 bytes); it was opened with codec"
                + " 'utf8' (variable size)"), e.getMessage());
        assertUntouchedAndStillOpens();
    }

    @Test
    void open_refusesSameCodecIdWithAnotherValueSize_namingBothSizes() throws IOException {
        StoreException e = refused(file, Codecs.longs(), Codecs.raw("longs/le64", 16));
        assertTrue(e.getMessage().contains("holds values of codec 'longs/le64' (8 bytes); it was opened with codec"
                + " 'longs/le64' (16 bytes)"), e.getMessage());
        assertUntouchedAndStillOpens();
    }

    @Test
    void open_refusesNewerFormatVersion_sayingWhichAndWhatIsRead() throws IOException {
        Path newer = patched("newer.hmap", b -> b.putInt(StoreFiles.VERSION, 3), true);
        StoreException e = refused(newer, Codecs.longs(), Codecs.longs());
        assertEquals(StoreException.class, e.getClass(), "a newer file is not a damaged one");
        assertEquals("store file " + newer + " has format version 3; this hmapstore reads version 2 (the file was"
                + " written by a newer hmapstore)", e.getMessage());
    }

    /** Version 1 kept all keys before all values; its buckets would be misread, so it is refused, not read. */
    @Test
    void open_refusesVersion1File_namingBothVersions() throws IOException {
        Path older = patched("older.hmap", b -> b.putInt(StoreFiles.VERSION, 1), true);
        byte[] before = Files.readAllBytes(older);
        StoreException e = refused(older, Codecs.longs(), Codecs.longs());
        assertEquals(StoreException.class, e.getClass(), "an older file is not a damaged one");
        assertEquals("store file " + older + " has format version 1; this hmapstore reads version 2 (the file was"
                + " written by an older hmapstore, and the layout has changed since)", e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(older), "the refused file is left as it was");
    }

    @Test
    void open_refusesAnotherPageSize_namingBoth() throws IOException {
        Path other = patched("pages.hmap", b -> b.putInt(StoreFiles.PAGE_SIZE, 65536), true);
        StoreException e = refused(other, Codecs.longs(), Codecs.longs());
        assertEquals("store file " + other + " was written with 65536-byte pages; this machine's page size is "
                + StoreFiles.PAGE, e.getMessage());
    }

    @Test
    void open_refusesStaticSuperblockChangedWithoutReseal_asChecksumMismatch() throws IOException {
        Path damaged = patched("seed.hmap", b -> b.putLong(StoreFiles.SEED, b.getLong(StoreFiles.SEED) ^ 1), false);
        CorruptedStoreException e = assertThrows(CorruptedStoreException.class,
                () -> OffHeapMap.of(Codecs.longs(), Codecs.longs()).persistTo(damaged).open().close());
        assertTrue(e.getMessage().startsWith("store file " + damaged + ": superblock checksum 0x"), e.getMessage());
        assertTrue(e.getMessage().endsWith("the superblock is damaged"), e.getMessage());
    }

    private Path patched(String name, java.util.function.Consumer<ByteBuffer> patch, boolean reseal) throws IOException {
        Path copy = dir.resolve(name);
        ByteBuffer bytes = StoreFiles.read(file);
        patch.accept(bytes);
        if (reseal) {
            StoreFiles.reseal(bytes);
        }
        StoreFiles.write(copy, bytes);
        return copy;
    }
}

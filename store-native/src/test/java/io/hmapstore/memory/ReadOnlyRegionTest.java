package io.hmapstore.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link MappedRegion#fileReadOnly}: sees the file and what a writer adds to it, and can change nothing. */
class ReadOnlyRegionTest {
    private static final long PAGE = MappedRegion.pageSize();

    @TempDir
    Path dir;

    @Test
    void fileReadOnly_seesAWritersStores_andRefusesEveryWrite() throws IOException {
        Path path = dir.resolve("ro.map");
        try (MappedRegion writer = MappedRegion.file(path, 2 * PAGE + 100, 4 * PAGE)) {
            writer.segment().set(ValueLayout.JAVA_LONG, 8, 42L);
            Files.setLastModifiedTime(path, FileTime.fromMillis(1_000_000));
            byte[] before = Files.readAllBytes(path);
            try (MappedRegion reader = MappedRegion.fileReadOnly(path)) {
                assertTrue(reader.isReadOnly() && reader.isFileBacked());
                assertEquals(3 * PAGE, reader.size(), "whole pages of the file");
                assertEquals(42L, reader.segment().get(ValueLayout.JAVA_LONG, 8));
                writer.segment().set(ValueLayout.JAVA_LONG, 16, 7L);
                assertEquals(7L, reader.segment().get(ValueLayout.JAVA_LONG, 16), "MAP_SHARED: a writer's store shows");
                writer.segment().set(ValueLayout.JAVA_LONG, 16, 0L);
                assertThrows(IllegalArgumentException.class,
                        () -> reader.segment().set(ValueLayout.JAVA_LONG, 8, 1L));
                assertThrows(IllegalStateException.class, () -> reader.grow(4 * PAGE));
                assertThrows(IllegalStateException.class, () -> reader.release(0, PAGE, ReleasePolicy.PUNCH_HOLE));
            }
            assertArrayEquals(before, Files.readAllBytes(path));
            assertEquals(1_000_000, Files.getLastModifiedTime(path).toMillis());
        }
    }

    @Test
    void fileReadOnly_missingOrShortFile_isRefused() throws IOException {
        NativeCallException missing = assertThrows(NativeCallException.class,
                () -> MappedRegion.fileReadOnly(dir.resolve("absent")));
        assertTrue(missing.getMessage().contains("ENOENT"), missing.getMessage());
        Path tiny = Files.write(dir.resolve("tiny"), new byte[10]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MappedRegion.fileReadOnly(tiny));
        assertEquals("file " + tiny.toAbsolutePath() + " is 10 bytes, less than one " + PAGE + "-byte page",
                e.getMessage());
    }
}

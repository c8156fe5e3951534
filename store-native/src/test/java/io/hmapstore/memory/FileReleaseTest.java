package io.hmapstore.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each release policy on a 64 MiB shared file mapping in a temporary directory. For a file,
 * {@link MappedRegion#residentBytes} is page-cache residency, which outlives the process's own
 * mapping of a page, so RSS and residency tell different stories here.
 */
class FileReleaseTest extends RegionTestSupport {

    @TempDir
    Path dir;

    private MappedRegion open(String name) {
        return MappedRegion.file(dir.resolve(name), SIZE, SIZE);
    }

    @Test
    void release_keep_readsOldBytesAndStaysMapped() {
        try (MappedRegion region = open("keep.map")) {
            Observation seen = Observation.of(region, ReleasePolicy.KEEP);
            assertEquals(SIZE, seen.residentAfter());
            assertTrue(seen.rssDrop() < RSS_NOISE, "RSS dropped by " + seen.rssDrop());
            assertFalse(ReleasePolicy.KEEP.guaranteesZeros(true));
            assertEquals(new PageCounts(0, PAGES, 0), seen.pages());
        }
    }

    @Test
    void release_zero_readsZerosAndWritesThemToTheFile() throws IOException {
        Path path = dir.resolve("zero.map");
        try (MappedRegion region = MappedRegion.file(path, SIZE, SIZE)) {
            Observation seen = Observation.of(region, ReleasePolicy.ZERO);
            assertEquals(SIZE, seen.residentAfter());
            assertTrue(ReleasePolicy.ZERO.guaranteesZeros(true));
            assertEquals(new PageCounts(PAGES, 0, 0), seen.pages());
        }
        byte[] bytes = Files.readAllBytes(path);
        assertEquals(-1, Arrays.mismatch(bytes, new byte[bytes.length]));
    }

    @Test
    void release_dontneed_readsTheFilesBytesAndDropsRssButNotThePageCache() {
        try (MappedRegion region = open("dontneed.map")) {
            Observation seen = Observation.of(region, ReleasePolicy.DONTNEED);
            assertEquals(SIZE, seen.residentAfter(), "the page cache keeps the file's pages");
            assertTrue(seen.rssDrop() >= RSS_DROP, "RSS dropped by only " + seen.rssDrop());
            assertFalse(ReleasePolicy.DONTNEED.guaranteesZeros(true));
            assertEquals(new PageCounts(0, PAGES, 0), seen.pages());
        }
    }

    @Test
    void release_free_isRefusedOnAFileBeforeAnyCall() {
        try (MappedRegion region = open("free.map")) {
            writePattern(region.segment());
            long calls = Libc.downcalls();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> region.release(0, SIZE, ReleasePolicy.FREE));
            assertEquals("FREE applies to private anonymous regions; this region is file-backed", e.getMessage());
            assertEquals(calls, Libc.downcalls());
            assertEquals(new PageCounts(0, PAGES, 0), classify(region.segment()));
        }
    }

    @Test
    void release_pageoutOnDirtyPages_unmapsThemButKeepsThemCached() {
        try (MappedRegion region = open("pageout-dirty.map")) {
            Observation seen = Observation.of(region, ReleasePolicy.PAGEOUT);
            // Reclaim unmaps the pages first, then finds them dirty: only the flusher writes file pages back.
            assertTrue(seen.rssDrop() >= RSS_DROP, "RSS dropped by only " + seen.rssDrop());
            assertEquals(SIZE, seen.residentAfter());
            assertFalse(ReleasePolicy.PAGEOUT.guaranteesZeros(true));
            assertEquals(new PageCounts(0, PAGES, 0), seen.pages());
        }
    }

    @Test
    void release_pageoutAfterSync_evictsTheCleanPagesFromThePageCache() {
        try (MappedRegion region = open("pageout-clean.map")) {
            writePattern(region.segment());
            region.sync();
            region.release(0, SIZE, ReleasePolicy.PAGEOUT);
            long resident = region.residentBytes(0, SIZE);
            assertTrue(resident <= PER_CPU_BATCH_SLACK_PAGES * PAGE, "still cached: " + resident);
            // Read back from disk.
            assertEquals(new PageCounts(0, PAGES, 0), classify(region.segment()));
        }
    }

    @Test
    void release_cold_keepsOldBytesMappedAndCached() {
        try (MappedRegion region = open("cold.map")) {
            Observation seen = Observation.of(region, ReleasePolicy.COLD);
            assertEquals(SIZE, seen.residentAfter());
            assertTrue(seen.rssDrop() < RSS_NOISE, "RSS dropped by " + seen.rssDrop());
            assertFalse(ReleasePolicy.COLD.guaranteesZeros(true));
            assertEquals(new PageCounts(0, PAGES, 0), seen.pages());
        }
    }

    @Test
    void release_punchHole_readsZerosAndFreesTheDiskBlocks() throws IOException {
        Path path = dir.resolve("hole.map");
        try (MappedRegion region = MappedRegion.file(path, SIZE, SIZE)) {
            writePattern(region.segment());
            region.sync();  // so the blocks are allocated, not just reserved by delayed allocation
            long blocksBefore = statBlocksBytes(path);
            assertEquals(blocksBefore, region.allocatedFileBytes(), "fstat through FFM agrees with stat(1)");
            assertTrue(blocksBefore >= SIZE, "allocated before: " + blocksBefore);
            Observation seen = Observation.of(region, ReleasePolicy.PUNCH_HOLE);
            assertEquals(0, seen.residentAfter());
            assertTrue(seen.rssDrop() >= RSS_DROP, "RSS dropped by only " + seen.rssDrop());
            assertTrue(ReleasePolicy.PUNCH_HOLE.guaranteesZeros(true));
            assertEquals(new PageCounts(PAGES, 0, 0), seen.pages());
            // Reading a hole through a shared mapping allocates no blocks.
            long blocksAfter = statBlocksBytes(path);
            assertTrue(blocksAfter < MIB, "allocated after: " + blocksAfter);
            assertEquals(blocksAfter, region.allocatedFileBytes());
            assertEquals(SIZE, Files.size(path), "FALLOC_FL_KEEP_SIZE keeps the length");
        }
    }

    @Test
    void release_unmap_remapsTheFilesBytesAtTheSameAddress() {
        try (MappedRegion region = open("unmap.map")) {
            long base = region.address();
            Observation seen = Observation.of(region, ReleasePolicy.UNMAP);
            assertTrue(seen.rssDrop() >= RSS_DROP, "RSS dropped by only " + seen.rssDrop());
            assertEquals(SIZE, seen.residentAfter(), "the page cache keeps the file's pages");
            assertFalse(ReleasePolicy.UNMAP.guaranteesZeros(true));
            // The per-page tags prove each page came back from its own file offset.
            assertEquals(new PageCounts(0, PAGES, 0), seen.pages());
            AddressMap.Mapping mapping = AddressMap.find(base + SIZE / 2).orElseThrow();
            assertEquals("rw-s", mapping.perms());
            assertEquals(region.path().orElseThrow().toString(), mapping.path());
        }
    }
}

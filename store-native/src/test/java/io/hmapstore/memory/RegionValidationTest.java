package io.hmapstore.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input is refused with a message naming the value and the limit, before any system call:
 * each case checks that {@link Libc#downcalls()} did not move and the region's bytes did not change.
 */
class RegionValidationTest extends RegionTestSupport {

    private static final long SMALL = 16 * PAGE;

    @TempDir
    Path dir;

    /** Runs {@code call}, expects {@code type} with {@code message}, and no downcall in between. */
    private static <T extends Throwable> void assertRefused(Class<T> type, String message, Executable call) {
        long calls = Libc.downcalls();
        T e = assertThrows(type, call);
        assertEquals(message, e.getMessage());
        assertEquals(calls, Libc.downcalls(), "system calls made before refusing");
    }

    private static void assertUntouched(MappedRegion region) {
        assertEquals(new PageCounts(0, region.size() / PAGE, 0), classify(region.segment()));
    }

    @Test
    void release_unalignedOffset_isRefusedNamingThePageSize() {
        try (MappedRegion region = MappedRegion.anonymous(SMALL, SMALL)) {
            writePattern(region.segment());
            assertRefused(IllegalArgumentException.class, "offset 4097 is not a multiple of the page size " + PAGE,
                    () -> region.release(PAGE + 1, PAGE, ReleasePolicy.DONTNEED));
            assertUntouched(region);
        }
    }

    @Test
    void release_negativeOffset_isRefused() {
        try (MappedRegion region = MappedRegion.anonymous(SMALL, SMALL)) {
            assertRefused(IllegalArgumentException.class, "offset -4096 is negative",
                    () -> region.release(-PAGE, PAGE, ReleasePolicy.DONTNEED));
        }
    }

    @Test
    void release_unalignedLength_isRefusedNamingThePageSize() {
        try (MappedRegion region = MappedRegion.anonymous(SMALL, SMALL)) {
            writePattern(region.segment());
            assertRefused(IllegalArgumentException.class, "length 100 is not a multiple of the page size " + PAGE,
                    () -> region.release(0, 100, ReleasePolicy.DONTNEED));
            assertUntouched(region);
        }
    }

    @Test
    void release_negativeLength_isRefused() {
        try (MappedRegion region = MappedRegion.anonymous(SMALL, SMALL)) {
            assertRefused(IllegalArgumentException.class, "length -4096 is negative",
                    () -> region.release(0, -PAGE, ReleasePolicy.UNMAP));
        }
    }

    @Test
    void release_rangePastSize_isRefusedNamingTheSize() {
        try (MappedRegion region = MappedRegion.anonymous(SMALL, 2 * SMALL)) {
            writePattern(region.segment());
            // Past size() though within the reservation: the reserved PROT_NONE tail is not the caller's.
            assertRefused(IndexOutOfBoundsException.class,
                    "offset " + (SMALL - PAGE) + " + length " + (2 * PAGE) + " is past size " + SMALL,
                    () -> region.release(SMALL - PAGE, 2 * PAGE, ReleasePolicy.UNMAP));
            assertUntouched(region);
        }
    }

    @Test
    void release_hugeLength_isRefusedWithoutOverflow() {
        try (MappedRegion region = MappedRegion.anonymous(SMALL, SMALL)) {
            long huge = Long.MAX_VALUE / PAGE * PAGE;
            assertRefused(IndexOutOfBoundsException.class,
                    "offset " + PAGE + " + length " + huge + " is past size " + SMALL,
                    () -> region.release(PAGE, huge, ReleasePolicy.DONTNEED));
        }
    }

    @Test
    void release_punchHoleOnAnonymous_isRefusedNamingTheMappingKind() {
        try (MappedRegion region = MappedRegion.anonymous(SMALL, SMALL)) {
            assertRefused(IllegalArgumentException.class,
                    "PUNCH_HOLE applies to file-backed regions; this region is anonymous",
                    () -> region.release(0, PAGE, ReleasePolicy.PUNCH_HOLE));
        }
    }

    @Test
    void release_freeOnFile_isRefusedNamingTheMappingKind() {
        try (MappedRegion region = MappedRegion.file(dir.resolve("f.map"), SMALL, SMALL)) {
            assertRefused(IllegalArgumentException.class,
                    "FREE applies to private anonymous regions; this region is file-backed",
                    () -> region.release(0, PAGE, ReleasePolicy.FREE));
        }
    }

    @Test
    void grow_pastMaxSize_isRefusedNamingTheMaximum() {
        try (MappedRegion region = MappedRegion.anonymous(SMALL, 2 * SMALL)) {
            assertRefused(IllegalArgumentException.class, "newSize " + (3 * SMALL) + " exceeds maxSize " + (2 * SMALL),
                    () -> region.grow(3 * SMALL));
            assertEquals(SMALL, region.size());
        }
    }

    @Test
    void grow_unaligned_isRefusedNamingThePageSize() {
        try (MappedRegion region = MappedRegion.anonymous(SMALL, 2 * SMALL)) {
            assertRefused(IllegalArgumentException.class,
                    "newSize " + (SMALL + 1) + " is not a multiple of the page size " + PAGE,
                    () -> region.grow(SMALL + 1));
        }
    }

    @Test
    void grow_smallerThanSize_isRefusedNamingTheSize() {
        try (MappedRegion region = MappedRegion.anonymous(SMALL, 2 * SMALL)) {
            assertRefused(IllegalArgumentException.class,
                    "newSize " + PAGE + " is smaller than size " + SMALL + "; regions never shrink",
                    () -> region.grow(PAGE));
        }
    }

    @Test
    void closedRegion_refusesEveryCallWithRegionClosed() {
        MappedRegion region = MappedRegion.anonymous(SMALL, 2 * SMALL);
        region.close();
        assertRefused(IllegalStateException.class, "region closed", () -> region.release(0, PAGE, ReleasePolicy.KEEP));
        assertRefused(IllegalStateException.class, "region closed", () -> region.grow(2 * SMALL));
        assertRefused(IllegalStateException.class, "region closed", () -> region.protect(0, PAGE, Protection.READ));
        assertRefused(IllegalStateException.class, "region closed", () -> region.residentBytes(0, PAGE));
        assertRefused(IllegalStateException.class, "region closed", () -> region.adviseHugePages(0, PAGE));
        assertRefused(IllegalStateException.class, "region closed", region::sync);
        assertRefused(IllegalStateException.class, "region closed", region::segment);
    }

    @Test
    void protect_rangePastSize_isRefused() {
        try (MappedRegion region = MappedRegion.anonymous(SMALL, 2 * SMALL)) {
            assertRefused(IndexOutOfBoundsException.class, "offset " + SMALL + " + length " + PAGE + " is past size " + SMALL,
                    () -> region.protect(SMALL, PAGE, Protection.NONE));
            assertEquals("rw-p", AddressMap.find(region.address()).orElseThrow().perms());
        }
    }

    @Test
    void anonymous_initialPastMax_isRefusedBeforeMapping() {
        assertRefused(IllegalArgumentException.class, "initialBytes 8192 exceeds maxBytes 4096",
                () -> MappedRegion.anonymous(8192, 4096));
    }

    @Test
    void anonymous_zeroMax_isRefusedBeforeMapping() {
        assertRefused(IllegalArgumentException.class, "maxBytes 0 must be positive", () -> MappedRegion.anonymous(0, 0));
    }

    @Test
    void file_longerThanMax_isRefusedAndClosesTheFile() throws Exception {
        Path path = dir.resolve("long.map");
        Files.write(path, new byte[3 * (int) PAGE]);
        long fds = openDescriptors();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MappedRegion.file(path, PAGE, 2 * PAGE));
        assertEquals("file " + path.toAbsolutePath() + " is " + (3 * PAGE) + " bytes, past maxBytes " + (2 * PAGE),
                e.getMessage());
        assertEquals(fds, openDescriptors(), "descriptor leaked");
    }

    private static long openDescriptors() throws IOException {
        try (var entries = Files.list(Path.of("/proc/self/fd"))) {
            return entries.count();
        }
    }
}

package io.hmapstore.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Growth, close, reopen, protection and advice on real mappings. */
class RegionLifecycleTest extends RegionTestSupport {

    @TempDir
    Path dir;

    @Test
    void anonymous_freshRegion_readsZerosAndIsNotResidentUntilTouched() {
        try (MappedRegion region = MappedRegion.anonymous(SIZE, SIZE)) {
            assertEquals(0, region.residentBytes(0, SIZE));
            writePattern(region.segment());
            assertEquals(SIZE, region.residentBytes(0, SIZE));
        }
    }

    @Test
    void grow_anonymous_keepsBaseAddressAndEarlierContents() {
        try (MappedRegion region = MappedRegion.anonymous(SIZE / 2, SIZE)) {
            MemorySegment before = region.segment();
            writePattern(before);
            region.grow(SIZE);
            MemorySegment after = region.segment();
            assertEquals(before.address(), after.address());
            assertEquals(SIZE, after.byteSize());
            assertEquals(SIZE, region.size());
            assertEquals(new PageCounts(0, PAGES / 2, 0), classify(after.asSlice(0, SIZE / 2)));
            assertEquals(new PageCounts(PAGES / 2, 0, 0), classify(after.asSlice(SIZE / 2)));
            // The segment handed out before growth still works, over the bytes it covered.
            assertEquals(new PageCounts(0, PAGES / 2, 0), classify(before));
            after.set(ValueLayout.JAVA_LONG, SIZE - 8, 42L);
            assertEquals(42L, after.get(ValueLayout.JAVA_LONG, SIZE - 8));
        }
    }

    @Test
    void grow_file_extendsTheFileAndKeepsContents() throws IOException {
        Path path = dir.resolve("grow.map");
        try (MappedRegion region = MappedRegion.file(path, SIZE / 2, SIZE)) {
            assertEquals(SIZE / 2, Files.size(path));
            writePattern(region.segment());
            long base = region.address();
            region.grow(SIZE);
            assertEquals(SIZE, Files.size(path));
            assertEquals(base, region.segment().address());
            assertEquals(new PageCounts(0, PAGES / 2, 0), classify(region.segment().asSlice(0, SIZE / 2)));
            assertEquals(new PageCounts(PAGES / 2, 0, 0), classify(region.segment().asSlice(SIZE / 2)));
            // One reservation, file extents mapped into it: the whole range is the file, shared.
            AddressMap.Mapping tail = AddressMap.find(base + SIZE - 1).orElseThrow();
            assertEquals("rw-s", tail.perms());
            assertEquals(path.toAbsolutePath().toString(), tail.path());
        }
    }

    @Test
    void close_staleSegment_throwsIllegalStateExceptionInsteadOfCrashing() {
        MappedRegion region = MappedRegion.anonymous(SIZE, SIZE);
        MemorySegment stale = region.segment();
        stale.set(ValueLayout.JAVA_LONG, 0, 7L);
        region.close();
        assertTrue(region.isClosed());
        assertThrows(IllegalStateException.class, () -> stale.get(ValueLayout.JAVA_LONG, 0));
        assertThrows(IllegalStateException.class, () -> stale.set(ValueLayout.JAVA_LONG, SIZE - 8, 1L));
    }

    @Test
    void close_whileAnotherThreadReadsAndTheRegionGrows_readerEndsWithIllegalStateException() throws Exception {
        MappedRegion region = MappedRegion.anonymous(PAGE, SIZE);
        AtomicLong reads = new AtomicLong();
        CompletableFuture<Throwable> reader = CompletableFuture.supplyAsync(() -> {
            try {
                while (true) {
                    MemorySegment latest = region.segment();
                    latest.get(ValueLayout.JAVA_LONG, latest.byteSize() - 8);
                    reads.incrementAndGet();
                }
            } catch (Throwable t) {
                return t;
            }
        });
        for (long size = 2 * PAGE; size <= SIZE; size *= 2) {
            region.grow(size);
        }
        while (reads.get() < 1000) {
            Thread.onSpinWait();
        }
        region.close();
        Throwable ended = reader.get(10, TimeUnit.SECONDS);
        assertInstanceOf(IllegalStateException.class, ended, "reader ended with " + ended);
    }

    @Test
    void close_twice_isANoOp() {
        MappedRegion region = MappedRegion.anonymous(SIZE, SIZE);
        long open = MappedRegion.openRegions();
        region.close();
        long calls = Libc.downcalls();
        region.close();
        assertEquals(calls, Libc.downcalls(), "the second close made a system call");
        assertEquals(open - 1, MappedRegion.openRegions());
    }

    @Test
    void close_file_unmapsTheReservationAndClosesTheDescriptor() throws IOException {
        Path path = dir.resolve("closed.map");
        MappedRegion region = MappedRegion.file(path, SIZE, SIZE);
        long base = region.address();
        assertTrue(descriptorsTo(path) > 0);
        region.close();
        assertEquals(0, descriptorsTo(path));
        assertTrue(AddressMap.find(base).map(m -> !m.path().equals(path.toString())).orElse(true),
                "the file is still mapped at the region's address");
    }

    @Test
    void file_closeAndReopen_keepsTheData() {
        Path path = dir.resolve("persist.map");
        try (MappedRegion region = MappedRegion.file(path, SIZE, SIZE)) {
            writePattern(region.segment());
        }
        try (MappedRegion region = MappedRegion.file(path, PAGE, 2 * SIZE)) {
            assertEquals(SIZE, region.size(), "size follows the longer file");
            assertEquals(new PageCounts(0, PAGES, 0), classify(region.segment()));
        }
    }

    @Test
    void file_lengthNotAPageMultiple_isMappedRoundedUpWithoutTruncation() throws IOException {
        Path path = dir.resolve("odd.map");
        Files.write(path, new byte[(int) PAGE + 100]);
        try (MappedRegion region = MappedRegion.file(path, PAGE, SIZE)) {
            assertEquals(2 * PAGE, region.size());
            assertEquals(PAGE + 100, Files.size(path));
        }
    }

    @Test
    void protect_read_showsAsReadOnlyInTheAddressMap() {
        try (MappedRegion region = MappedRegion.anonymous(SIZE, SIZE)) {
            long base = region.address();
            region.protect(PAGE, PAGE, Protection.READ);
            // Only the address map is consulted: writing the page from Java would SIGSEGV the JVM.
            assertEquals("r--p", AddressMap.find(base + PAGE).orElseThrow().perms());
            assertEquals("rw-p", AddressMap.find(base).orElseThrow().perms());
            assertEquals("rw-p", AddressMap.find(base + 2 * PAGE).orElseThrow().perms());
            region.protect(PAGE, PAGE, Protection.NONE);
            assertEquals("---p", AddressMap.find(base + PAGE).orElseThrow().perms());
            region.protect(PAGE, PAGE, Protection.READ_WRITE);
            assertEquals("rw-p", AddressMap.find(base + PAGE).orElseThrow().perms());
            region.segment().set(ValueLayout.JAVA_LONG, PAGE, 1L);
        }
    }

    @Test
    void protect_readOnFile_showsAsSharedReadOnly() {
        try (MappedRegion region = MappedRegion.file(dir.resolve("ro.map"), SIZE, SIZE)) {
            region.protect(0, SIZE, Protection.READ);
            assertEquals("r--s", AddressMap.find(region.address() + SIZE / 2).orElseThrow().perms());
            region.protect(0, SIZE, Protection.READ_WRITE);
        }
    }

    @Test
    void adviseHugePages_marksTheRangeHugePageEligible() throws IOException {
        try (MappedRegion region = MappedRegion.anonymous(SIZE, SIZE)) {
            assertFalse(vmFlags(region.address()).contains("hg"));
            region.adviseHugePages(0, SIZE);
            assertTrue(vmFlags(region.address()).contains("hg"), "VmFlags: " + vmFlags(region.address()));
        }
    }

    @Test
    void sync_file_writesTheBytesThroughToTheFile() throws IOException {
        Path path = dir.resolve("sync.map");
        try (MappedRegion region = MappedRegion.file(path, PAGE, PAGE)) {
            region.segment().set(ValueLayout.JAVA_INT, 0, 0x01020304);
            region.sync(0, PAGE);
            byte[] bytes = Files.readAllBytes(path);
            assertEquals(0x04, bytes[0]);
            assertEquals(0x01, bytes[3]);
        }
    }

    /** The VmFlags of the mapping holding {@code address}. */
    private static List<String> vmFlags(long address) {
        return AddressMap.vmFlags(address).orElseThrow();
    }

    private static long descriptorsTo(Path path) throws IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(path.toAbsolutePath());
                } catch (IOException e) {
                    return false;  // the descriptor closed while we listed
                }
            }).count();
        }
    }
}

package io.hmapstore.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real errno values from the kernel, turned into {@link NativeCallException}s by {@link Libc}. */
class LibcTest {

    /** Page 1: below vm.mmap_min_addr, so nothing in the JVM can be mapped there. */
    private static final long UNMAPPED = 0x1000;

    @TempDir
    Path dir;

    @Test
    void madvise_unmappedRange_throwsEnomemNamingCallAndArguments() {
        NativeCallException e = assertThrows(NativeCallException.class,
                () -> Libc.madvise(UNMAPPED, 4096, Libc.MADV_DONTNEED));
        assertEquals("madvise", e.call());
        assertEquals(12, e.errno());
        assertEquals("ENOMEM", e.errnoName());
        assertEquals("madvise(0x1000, 4096, MADV_DONTNEED): ENOMEM (Cannot allocate memory)", e.getMessage());
    }

    @Test
    void madvise_unalignedAddress_throwsEinval() {
        try (MappedRegion region = MappedRegion.anonymous(2 * MappedRegion.pageSize(), 2 * MappedRegion.pageSize())) {
            long unaligned = region.address() + 1;
            NativeCallException e = assertThrows(NativeCallException.class,
                    () -> Libc.madvise(unaligned, 4096, Libc.MADV_FREE));
            assertEquals("EINVAL", e.errnoName());
            assertEquals("madvise(0x" + Long.toHexString(unaligned) + ", 4096, MADV_FREE): EINVAL (Invalid argument)",
                    e.getMessage());
        }
    }

    @Test
    void madviseFree_onSharedFileMapping_throwsEinval() {
        // Why FREE is refused up front for files: the kernel would refuse it anyway.
        try (MappedRegion region = MappedRegion.file(dir.resolve("f.map"), 4096, 4096)) {
            NativeCallException e = assertThrows(NativeCallException.class,
                    () -> Libc.madvise(region.address(), 4096, Libc.MADV_FREE));
            assertEquals("EINVAL", e.errnoName());
        }
    }

    @Test
    void open_missingDirectory_throwsEnoentNamingThePathAndFlags() {
        Path path = dir.resolve("missing/x.map");
        NativeCallException e = assertThrows(NativeCallException.class,
                () -> MappedRegion.file(path, 4096, 4096));
        assertEquals("open", e.call());
        assertEquals("ENOENT", e.errnoName());
        assertEquals("open(\"" + path + "\", O_RDWR|O_CREAT|O_CLOEXEC, 0644): ENOENT (No such file or directory)",
                e.getMessage());
    }

    @Test
    void mmap_fixedOverTheKernelHalf_throwsNamingFlagsByName() {
        NativeCallException e = assertThrows(NativeCallException.class,
                () -> Libc.mmap(0xffff_8000_0000_0000L, 4096, Libc.PROT_READ | Libc.PROT_WRITE,
                        Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS | Libc.MAP_FIXED, -1, 0));
        assertEquals("mmap", e.call());
        assertTrue(e.getMessage().startsWith(
                "mmap(0xffff800000000000, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0): "),
                e.getMessage());
    }

    @Test
    void close_badDescriptor_throwsEbadf() {
        NativeCallException e = assertThrows(NativeCallException.class, () -> Libc.close(1_000_000));
        assertEquals("EBADF", e.errnoName());
        assertEquals("close(1000000): EBADF (Bad file descriptor)", e.getMessage());
    }

    @Test
    void errnoName_outsideTheTable_isErrnoN() {
        assertEquals("errno 4242", new NativeCallException("x", "", 4242).errnoName());
        assertEquals("x(): errno 4242", new NativeCallException("x", "", 4242).getMessage());
        assertEquals("EOPNOTSUPP", new NativeCallException("x", "", 95).errnoName());
    }

    @Test
    void pageSize_isSysconfAndAPowerOfTwo() {
        long page = MappedRegion.pageSize();
        assertEquals(page, Libc.sysconf(Libc.SC_PAGESIZE));
        assertEquals(1, Long.bitCount(page));
        assertTrue(page >= 4096);
    }
}

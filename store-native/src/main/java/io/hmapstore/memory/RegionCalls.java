package io.hmapstore.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The system calls {@link MappedRegion} makes on raw address ranges, apart from its own state: the
 * reservation, the clean-up of a mapping that failed half-way, readahead, and the {@code mincore} count.
 * Arguments are checked by the caller ({@link RegionChecks}) before any of these runs.
 */
final class RegionCalls {

    static final long PAGE_SIZE = Libc.sysconf(Libc.SC_PAGESIZE);

    // mincore's vector is one byte per page; 64 Ki pages (256 MiB with 4 KiB pages) per call bound it.
    private static final long MINCORE_CHUNK_PAGES = 1L << 16;

    private RegionCalls() {
    }

    /** Reserves {@code bytes} of address space: no access, no memory, no commit charge. */
    static long reserve(long bytes) {
        return Libc.mmap(0, bytes, Libc.PROT_NONE, Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS | Libc.MAP_NORESERVE, -1, 0);
    }

    /** Undoes a file mapping that failed half-way: unmaps its reservation, if made, and closes the file. */
    static void abandon(long base, long bytes, int fd, RuntimeException pending) {
        if (base != 0) {
            unmapQuietly(base, bytes, pending);
        }
        try {
            Libc.close(fd);
        } catch (RuntimeException closeFailure) {
            pending.addSuppressed(closeFailure);
        }
    }

    /** Unmaps after a failure, adding a failure of its own to {@code pending} rather than hiding it. */
    static void unmapQuietly(long address, long bytes, RuntimeException pending) {
        try {
            Libc.munmap(address, bytes);
        } catch (RuntimeException e) {
            pending.addSuppressed(e);
        }
    }

    /**
     * A store's file pages are touched at random (hash order), so readahead around a fault only fills
     * the page cache with pages nobody asked for: zero pages read from the holes {@code PUNCH_HOLE} left,
     * which count as resident and undo what releasing the hole gave back. {@code MADV_RANDOM} turns it off
     * for the extent.
     */
    static void noReadahead(long address, long length) {
        Libc.madvise(address, length, Libc.MADV_RANDOM);
    }

    /** Counts the resident pages of a mapped, page-aligned range with {@code mincore}, a chunk at a time. */
    static long residentPages(long address, long length) {
        long residentPages = 0;
        try (Arena frame = Arena.ofConfined()) {
            long chunkBytes = MINCORE_CHUNK_PAGES * PAGE_SIZE;
            MemorySegment vector = frame.allocate(Math.min(length, chunkBytes) / PAGE_SIZE);
            for (long done = 0; done < length; done += chunkBytes) {
                long bytes = Math.min(chunkBytes, length - done);
                Libc.mincore(address + done, bytes, vector);
                for (long page = 0; page < bytes / PAGE_SIZE; page++) {
                    residentPages += vector.get(ValueLayout.JAVA_BYTE, page) & 1;
                }
            }
        }
        return residentPages;
    }

    static long roundUpToPage(long bytes) {
        return (bytes + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE;
    }
}

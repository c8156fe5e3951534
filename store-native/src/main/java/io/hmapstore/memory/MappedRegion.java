package io.hmapstore.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A reserved address range whose first {@link #size()} bytes are mapped read-write; it grows in
 * place and never moves, so offsets and segments handed out stay valid across growth.
 *
 * <p>Implementation notes. The whole {@link #maxSize()} is reserved once with
 * {@code mmap(PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE)}, which costs address space but no
 * memory and no commit charge; LMDB maps its whole map size the same way. An anonymous region then
 * makes its prefix accessible with {@code mprotect}; a file region maps file extents over the
 * reservation with {@code mmap(MAP_SHARED|MAP_FIXED)}, which replaces the reserved pages atomically,
 * so no other {@code mmap} in the process can ever take an address inside the range. For the same
 * reason {@link ReleasePolicy#UNMAP} maps a fresh extent over the range in one {@code MAP_FIXED}
 * call rather than calling {@code munmap}, which would leave a hole.
 *
 * <p>Segments are the base address {@code reinterpret()}ed to the current size in one shared
 * {@link Arena}. {@link #close()} closes that arena <em>before</em> {@code munmap}: once the arena is
 * closed every access through any segment this region handed out throws
 * {@link IllegalStateException}, so a stale segment can never touch unmapped memory and crash the JVM.
 *
 * <p>Thread safety: {@link #segment()} and {@link #size()} are volatile reads and may race with
 * {@link #grow} and {@link #close}; every method that makes a system call holds one lock, so a
 * {@code madvise} can never run against a range that a concurrent {@code close} has unmapped.
 *
 * <p>Every argument is checked before any system call; messages name the value and the limit.
 * A page touched from Java in a way its {@linkplain #protect protection} forbids crashes the JVM
 * with {@code SIGSEGV}: the JVM does not turn faults on foreign memory into exceptions.
 */
public final class MappedRegion implements AutoCloseable {

    private static final long PAGE_SIZE = RegionCalls.PAGE_SIZE;

    private static final AtomicLong OPEN_REGIONS = new AtomicLong();

    private final long base;
    private final long maxSize;
    private final int fd;
    private final Path path;
    private final boolean readOnly;
    private final Arena arena = Arena.ofShared();
    private final ReentrantLock lock = new ReentrantLock();
    private volatile long size;
    private volatile MemorySegment segment;
    private volatile boolean closed;

    private MappedRegion(long base, long size, long maxSize, int fd, Path path, boolean readOnly) {
        this.base = base;
        this.size = size;
        this.maxSize = maxSize;
        this.fd = fd;
        this.path = path;
        this.readOnly = readOnly;
        this.segment = view(size);
        OPEN_REGIONS.incrementAndGet();
    }

    /**
     * Maps private anonymous memory: reserves {@code maxBytes} of address space
     * ({@code PROT_NONE, MAP_NORESERVE}) and makes the first {@code initialBytes} read-write. Both
     * sizes are rounded up to whole pages. Fresh pages read as zeros and cost memory only once touched.
     *
     * @param initialBytes bytes mapped read-write now, {@code 0 <= initialBytes <= maxBytes}
     * @param maxBytes     bytes of address space reserved; the limit of {@link #grow}
     * @return the region; close it to unmap
     * @throws IllegalArgumentException if a size is negative, zero (maxBytes) or out of order
     * @throws NativeCallException      if the kernel refuses the mapping
     */
    public static MappedRegion anonymous(long initialBytes, long maxBytes) {
        RegionChecks.checkSizes(initialBytes, maxBytes);
        long max = RegionCalls.roundUpToPage(maxBytes);
        long initial = RegionCalls.roundUpToPage(initialBytes);
        long base = RegionCalls.reserve(max);
        try {
            if (initial > 0) {
                Libc.mprotect(base, initial, Libc.PROT_READ | Libc.PROT_WRITE);
            }
        } catch (RuntimeException e) {
            RegionCalls.unmapQuietly(base, max, e);
            throw e;
        }
        return new MappedRegion(base, initial, max, -1, null, false);
    }

    /**
     * Maps a file {@code MAP_SHARED}: writes reach the page cache at once and the file on
     * {@link #sync()}. The file is created if absent and extended with {@code ftruncate} to
     * {@code initialBytes} (rounded up to pages) if shorter; if it is longer, {@link #size()} is its
     * length rounded up to pages, and the file is left as it is: bytes of the last page past the
     * end of such a file read as zeros and writes to them are not kept (a file this class creates or
     * grows is always a page multiple). {@code maxBytes} of address space is reserved once and file extents
     * are mapped into it with {@code MAP_FIXED} as the region grows.
     *
     * @param path         the file; its parent directory must exist
     * @param initialBytes the least size mapped now, {@code 0 <= initialBytes <= maxBytes}
     * @param maxBytes     bytes of address space reserved; the limit of {@link #grow}
     * @return the region; close it to unmap and close the file
     * @throws IllegalArgumentException if a size is out of range, or the file is longer than {@code maxBytes}
     * @throws NativeCallException      if a call fails, e.g. {@code open} with {@code ENOENT} or {@code EACCES}
     */
    public static MappedRegion file(Path path, long initialBytes, long maxBytes) {
        Objects.requireNonNull(path, "path");
        RegionChecks.checkSizes(initialBytes, maxBytes);
        long max = RegionCalls.roundUpToPage(maxBytes);
        long initial = RegionCalls.roundUpToPage(initialBytes);
        Path absolute = path.toAbsolutePath();
        int fd = Libc.open(absolute, Libc.O_RDWR | Libc.O_CREAT | Libc.O_CLOEXEC, 0644);
        long base = 0;
        try {
            long length = Libc.fstat(fd).size();
            long size = Math.max(initial, RegionCalls.roundUpToPage(length));
            if (size > max) {
                throw new IllegalArgumentException("file " + absolute + " is " + length
                        + " bytes, past maxBytes " + maxBytes);
            }
            if (length < initial) {
                Libc.ftruncate(fd, initial);
            }
            base = RegionCalls.reserve(max);
            if (size > 0) {
                Libc.mmap(base, size, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_SHARED | Libc.MAP_FIXED, fd, 0);
                RegionCalls.noReadahead(base, size);
            }
            return new MappedRegion(base, size, max, fd, absolute, false);
        } catch (RuntimeException e) {
            RegionCalls.abandon(base, max, fd, e);
            throw e;
        }
    }

    /**
     * Maps a whole existing file read-only ({@code O_RDONLY}, {@code PROT_READ}, {@code MAP_SHARED}), for
     * tools that look at a store another process may be writing: the kernel refuses every write
     * through the descriptor and the mapping, so nothing done here can change the file, and the
     * writer's later stores show through. {@link #segment()} is a read-only segment, so a write
     * attempted from Java throws {@link IllegalArgumentException} ("Attempt to write a read-only
     * segment") instead of faulting; the region cannot {@link #grow} or {@link #release}. Only whole
     * pages are mapped: a tail shorter than a page is left out, so no read can fall past the file's end.
     *
     * @param path an existing file of at least one page
     * @return the region; close it to unmap and close the file
     * @throws IllegalArgumentException if the file is shorter than a page
     * @throws NativeCallException      if a call fails, e.g. {@code open} with {@code ENOENT} or {@code EACCES}
     */
    public static MappedRegion fileReadOnly(Path path) {
        Objects.requireNonNull(path, "path");
        Path absolute = path.toAbsolutePath();
        int fd = Libc.open(absolute, Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        long base = 0;
        long size = 0;
        try {
            long length = Libc.fstat(fd).size();
            size = length / PAGE_SIZE * PAGE_SIZE;
            if (size == 0) {
                throw new IllegalArgumentException("file " + absolute + " is " + length
                        + " bytes, less than one " + PAGE_SIZE + "-byte page");
            }
            base = RegionCalls.reserve(size);
            Libc.mmap(base, size, Libc.PROT_READ, Libc.MAP_SHARED | Libc.MAP_FIXED, fd, 0);
            return new MappedRegion(base, size, size, fd, absolute, true);
        } catch (RuntimeException e) {
            RegionCalls.abandon(base, size, fd, e);
            throw e;
        }
    }

    /**
     * The system page size ({@code sysconf(_SC_PAGESIZE)}), looked up once.
     *
     * @return bytes per page, e.g. 4096
     */
    public static long pageSize() {
        return PAGE_SIZE;
    }

    /**
     * The number of regions opened and not yet closed in this JVM, for leak checks in tests.
     *
     * @return open regions
     */
    public static long openRegions() {
        return OPEN_REGIONS.get();
    }

    /**
     * The mapped bytes {@code [0, size())}. A segment stays valid and at the same address when the
     * region grows (it just does not cover the new bytes); after {@link #close()} every access
     * through it throws {@link IllegalStateException}.
     *
     * @return the latest segment
     * @throws IllegalStateException if the region is closed
     */
    public MemorySegment segment() {
        MemorySegment latest = segment;
        if (closed) {
            throw RegionChecks.closed();
        }
        return latest;
    }

    /**
     * Bytes mapped read-write, a multiple of {@link #pageSize()}.
     *
     * @return the size
     */
    public long size() {
        return size;
    }

    /**
     * Bytes of address space reserved: the limit of {@link #grow}.
     *
     * @return the maximum size
     */
    public long maxSize() {
        return maxSize;
    }

    /**
     * Whether the region maps a file ({@code MAP_SHARED}) rather than private anonymous memory.
     *
     * @return {@code true} for a file region
     */
    public boolean isFileBacked() {
        return path != null;
    }

    /**
     * Whether the region maps its file read-only ({@link #fileReadOnly}).
     *
     * @return {@code true} for a read-only region
     */
    public boolean isReadOnly() {
        return readOnly;
    }

    /**
     * The mapped file's absolute path.
     *
     * @return the path, or empty for an anonymous region
     */
    public Optional<Path> path() {
        return Optional.ofNullable(path);
    }

    /**
     * The base address of the reservation, for fault reports; it never changes.
     *
     * @return the address of byte 0
     */
    public long address() {
        return base;
    }

    /**
     * Whether {@link #close()} has run.
     *
     * @return {@code true} once closed
     */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Grows the region in place to {@code newSize} bytes. A file is extended with
     * {@code ftruncate} (never shortened) and the new extent mapped with {@code MAP_FIXED}; anonymous
     * memory is made read-write with {@code mprotect}. Earlier segments stay valid at the same address.
     *
     * @param newSize a page multiple with {@code size() <= newSize <= maxSize()}
     * @throws IllegalArgumentException if {@code newSize} is unaligned, smaller than the size or past the maximum
     * @throws IllegalStateException    if the region is closed
     * @throws NativeCallException      if a call fails, e.g. {@code ftruncate} with {@code ENOSPC}
     */
    public void grow(long newSize) {
        lock.lock();
        try {
            ensureOpen();
            ensureWritable("grow");
            long oldSize = size;
            RegionChecks.checkGrow(newSize, oldSize, maxSize, PAGE_SIZE);
            if (newSize == oldSize) {
                return;
            }
            int readWrite = Libc.PROT_READ | Libc.PROT_WRITE;
            if (isFileBacked()) {
                if (Libc.fstat(fd).size() < newSize) {
                    Libc.ftruncate(fd, newSize);
                }
                Libc.mmap(base + oldSize, newSize - oldSize, readWrite, Libc.MAP_SHARED | Libc.MAP_FIXED, fd, oldSize);
                RegionCalls.noReadahead(base + oldSize, newSize - oldSize);
            } else {
                Libc.mprotect(base + oldSize, newSize - oldSize, readWrite);
            }
            segment = view(newSize);
            size = newSize;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Gives the pages of {@code [offset, offset + length)} back as {@code policy} says; see
     * {@link ReleasePolicy} for what a later read returns. A length of zero does nothing.
     *
     * @param offset page-aligned offset within the region
     * @param length page-aligned length; the range must end within {@link #size()}
     * @param policy how to release; must {@linkplain ReleasePolicy#appliesTo apply} to this kind of region
     * @throws IllegalArgumentException  if the offset or length is negative or unaligned, or the policy does not apply
     * @throws IndexOutOfBoundsException if the range ends past {@link #size()}
     * @throws IllegalStateException     if the region is closed
     * @throws NativeCallException       if the kernel refuses the call
     */
    public void release(long offset, long length, ReleasePolicy policy) {
        Objects.requireNonNull(policy, "policy");
        lock.lock();
        try {
            ensureOpen();
            ensureWritable("release");
            RegionChecks.checkApplies(policy, isFileBacked());
            RegionChecks.checkRange(offset, length, size, PAGE_SIZE);
            if (length == 0) {
                return;
            }
            long address = base + offset;
            switch (policy) {
                case KEEP -> { }
                case ZERO -> segment.asSlice(offset, length).fill((byte) 0);
                case DONTNEED -> Libc.madvise(address, length, Libc.MADV_DONTNEED);
                case FREE -> Libc.madvise(address, length, Libc.MADV_FREE);
                case PAGEOUT -> Libc.madvise(address, length, Libc.MADV_PAGEOUT);
                case COLD -> Libc.madvise(address, length, Libc.MADV_COLD);
                case PUNCH_HOLE -> Libc.fallocate(fd, Libc.FALLOC_FL_PUNCH_HOLE | Libc.FALLOC_FL_KEEP_SIZE,
                        offset, length);
                case UNMAP -> remapFresh(offset, length);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Changes the access allowed to {@code [offset, offset + length)} with {@code mprotect}.
     * Touching a page from Java in a way its protection forbids crashes the JVM.
     *
     * @param offset     page-aligned offset within the region
     * @param length     page-aligned length; the range must end within {@link #size()}
     * @param protection the access to allow
     * @throws IllegalArgumentException  if the offset or length is negative or unaligned
     * @throws IndexOutOfBoundsException if the range ends past {@link #size()}
     * @throws IllegalStateException     if the region is closed
     * @throws NativeCallException       if the kernel refuses the call
     */
    public void protect(long offset, long length, Protection protection) {
        Objects.requireNonNull(protection, "protection");
        lock.lock();
        try {
            ensureOpen();
            RegionChecks.checkRange(offset, length, size, PAGE_SIZE);
            if (length > 0) {
                Libc.mprotect(base + offset, length, protection.bits());
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Asks for transparent huge pages on {@code [offset, offset + length)} ({@code MADV_HUGEPAGE});
     * with THP in {@code madvise} mode nothing else gets them.
     *
     * @param offset page-aligned offset within the region
     * @param length page-aligned length; the range must end within {@link #size()}
     * @throws IllegalArgumentException  if the offset or length is negative or unaligned
     * @throws IndexOutOfBoundsException if the range ends past {@link #size()}
     * @throws IllegalStateException     if the region is closed
     * @throws NativeCallException       if the kernel refuses, e.g. {@code EINVAL} without THP support
     */
    public void adviseHugePages(long offset, long length) {
        lock.lock();
        try {
            ensureOpen();
            RegionChecks.checkRange(offset, length, size, PAGE_SIZE);
            if (length > 0) {
                Libc.madvise(base + offset, length, Libc.MADV_HUGEPAGE);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Counts the resident bytes of {@code [offset, offset + length)} with {@code mincore}. For a file
     * region this is the range's presence in the page cache, mapped into this process or not.
     *
     * @param offset page-aligned offset within the region
     * @param length page-aligned length; the range must end within {@link #size()}
     * @return resident bytes, a page multiple no larger than {@code length}
     * @throws IllegalArgumentException  if the offset or length is negative or unaligned
     * @throws IndexOutOfBoundsException if the range ends past {@link #size()}
     * @throws IllegalStateException     if the region is closed
     */
    public long residentBytes(long offset, long length) {
        lock.lock();
        try {
            ensureOpen();
            RegionChecks.checkRange(offset, length, size, PAGE_SIZE);
            return RegionCalls.residentPages(base + offset, length) * PAGE_SIZE;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Bytes of disk allocated to the mapped file ({@code st_blocks * 512} from {@code fstat}); a
     * punched hole or a sparse extent allocates none.
     *
     * @return allocated bytes, or 0 for an anonymous region
     * @throws IllegalStateException if the region is closed
     */
    public long allocatedFileBytes() {
        lock.lock();
        try {
            ensureOpen();
            return isFileBacked() ? Libc.fstat(fd).blocks() * 512 : 0;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes the whole region back to its file and waits ({@code msync(MS_SYNC)}): durable against
     * power loss. A no-op for anonymous memory.
     *
     * @throws IllegalStateException if the region is closed
     * @throws NativeCallException   if write-back fails, e.g. {@code EIO}
     */
    public void sync() {
        sync(0, size);
    }

    /**
     * Writes {@code [offset, offset + length)} back to the file and waits ({@code msync(MS_SYNC)}).
     * A no-op for anonymous memory.
     *
     * @param offset page-aligned offset within the region
     * @param length page-aligned length; the range must end within {@link #size()}
     * @throws IllegalArgumentException  if the offset or length is negative or unaligned
     * @throws IndexOutOfBoundsException if the range ends past {@link #size()}
     * @throws IllegalStateException     if the region is closed
     * @throws NativeCallException       if write-back fails
     */
    public void sync(long offset, long length) {
        lock.lock();
        try {
            ensureOpen();
            RegionChecks.checkRange(offset, length, size, PAGE_SIZE);
            if (isFileBacked() && length > 0) {
                Libc.msync(base + offset, length, Libc.MS_SYNC);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes the arena (so every segment handed out throws {@link IllegalStateException} from now
     * on), then unmaps the whole reservation and closes the file. Idempotent.
     *
     * @throws IllegalStateException if a downcall on another thread still holds one of the region's
     *                               segments; the region then stays open
     * @throws NativeCallException   if {@code munmap} or {@code close} fails
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            // Throws, leaving everything mapped, while a segment is in use by a downcall.
            arena.close();
            closed = true;
            OPEN_REGIONS.decrementAndGet();
            try {
                Libc.munmap(base, maxSize);
            } finally {
                if (fd >= 0) {
                    Libc.close(fd);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Describes the region for logs and fault reports. */
    @Override
    public String toString() {
        return "MappedRegion[" + (path != null ? path.toString() : "anonymous") + ", address=" + Libc.hex(base)
                + ", size=" + size + ", maxSize=" + maxSize + (readOnly ? ", read-only" : "") + (closed ? ", closed" : "") + "]";
    }

    private void ensureOpen() {
        if (closed) {
            throw RegionChecks.closed();
        }
    }

    private void ensureWritable(String what) {
        if (readOnly) {
            throw new IllegalStateException("cannot " + what + " " + this + ": it maps its file read-only");
        }
    }

    private MemorySegment view(long bytes) {
        MemorySegment view = MemorySegment.ofAddress(base).reinterpret(bytes, arena, null);
        return readOnly ? view.asReadOnly() : view;
    }

    /** Replaces the range with a fresh mapping in one call, so no other mapping can slip into a hole. */
    private void remapFresh(long offset, long length) {
        int readWrite = Libc.PROT_READ | Libc.PROT_WRITE;
        if (isFileBacked()) {
            Libc.mmap(base + offset, length, readWrite, Libc.MAP_SHARED | Libc.MAP_FIXED, fd, offset);
            RegionCalls.noReadahead(base + offset, length);
        } else {
            Libc.mmap(base + offset, length, readWrite,
                    Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS | Libc.MAP_NORESERVE | Libc.MAP_FIXED, -1, 0);
        }
    }
}

package io.hmapstore.memory;

import java.util.Map;

/**
 * Names and descriptions for the Linux errno values hmapstore's system calls can return.
 *
 * <p>A table rather than a {@code strerror} downcall: {@code strerror} is not thread-safe, and the
 * names ({@code EINVAL}) are what a reader searches man pages for.
 */
final class Errno {

    /** One errno value's symbolic name and its glibc description. */
    private record Entry(String name, String description) { }

    /** Linux x86_64 values (asm-generic/errno-base.h and errno.h). */
    private static final Map<Integer, Entry> TABLE = Map.ofEntries(
            Map.entry(1, new Entry("EPERM", "Operation not permitted")),
            Map.entry(2, new Entry("ENOENT", "No such file or directory")),
            Map.entry(4, new Entry("EINTR", "Interrupted system call")),
            Map.entry(5, new Entry("EIO", "Input/output error")),
            Map.entry(9, new Entry("EBADF", "Bad file descriptor")),
            Map.entry(11, new Entry("EAGAIN", "Resource temporarily unavailable")),
            Map.entry(12, new Entry("ENOMEM", "Cannot allocate memory")),
            Map.entry(13, new Entry("EACCES", "Permission denied")),
            Map.entry(14, new Entry("EFAULT", "Bad address")),
            Map.entry(16, new Entry("EBUSY", "Device or resource busy")),
            Map.entry(17, new Entry("EEXIST", "File exists")),
            Map.entry(19, new Entry("ENODEV", "No such device")),
            Map.entry(22, new Entry("EINVAL", "Invalid argument")),
            Map.entry(23, new Entry("ENFILE", "Too many open files in system")),
            Map.entry(24, new Entry("EMFILE", "Too many open files")),
            Map.entry(27, new Entry("EFBIG", "File too large")),
            Map.entry(28, new Entry("ENOSPC", "No space left on device")),
            Map.entry(29, new Entry("ESPIPE", "Illegal seek")),
            Map.entry(30, new Entry("EROFS", "Read-only file system")),
            Map.entry(95, new Entry("EOPNOTSUPP", "Operation not supported")));

    /** The errno value a call interrupted by a signal returns; such calls are retried. */
    static final int EINTR = 4;

    private Errno() {
    }

    /** {@code "EINVAL"} for 22; {@code "errno N"} for a value outside the table. */
    static String name(int errno) {
        Entry entry = TABLE.get(errno);
        return entry != null ? entry.name() : "errno " + errno;
    }

    /** {@code "EINVAL (Invalid argument)"}; just the name for a value outside the table. */
    static String describe(int errno) {
        Entry entry = TABLE.get(errno);
        return entry != null ? entry.name() + " (" + entry.description() + ")" : name(errno);
    }
}

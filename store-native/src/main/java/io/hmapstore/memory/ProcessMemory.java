package io.hmapstore.memory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * This process's memory figures as the kernel reports them: resident set sizes from
 * {@code /proc/self/status} and page fault counts from {@code getrusage(RUSAGE_SELF)}.
 *
 * <p>Since Linux 6.2 the RSS counters are per-CPU and {@code /proc} reads their approximate sum, so
 * a figure may lag the truth by a few hundred KiB per CPU: compare differences of megabytes, not pages.
 */
public final class ProcessMemory {

    private static final Path STATUS = Path.of("/proc/self/status");

    private ProcessMemory() {
    }

    /**
     * One reading of the process's memory figures.
     *
     * @param rssBytes     {@code VmRSS}: all resident pages (anonymous, file and shared memory)
     * @param rssAnonBytes {@code RssAnon}: resident private anonymous pages
     * @param rssFileBytes {@code RssFile}: resident file-backed pages (shmem/tmpfs pages count in neither)
     * @param minorFaults  {@code ru_minflt}: faults served without I/O since the process started
     * @param majorFaults  {@code ru_majflt}: faults that needed I/O since the process started
     */
    public record Snapshot(long rssBytes, long rssAnonBytes, long rssFileBytes, long minorFaults, long majorFaults) {
    }

    /**
     * Reads the figures now.
     *
     * @return the snapshot
     * @throws UncheckedIOException if {@code /proc/self/status} cannot be read
     * @throws NativeCallException  if {@code getrusage} fails
     */
    public static Snapshot snapshot() {
        List<String> lines;
        try {
            lines = Files.readAllLines(STATUS);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + STATUS, e);
        }
        Libc.Rusage usage = Libc.getrusage(Libc.RUSAGE_SELF);
        return new Snapshot(kilobytes(lines, "VmRSS:"), kilobytes(lines, "RssAnon:"), kilobytes(lines, "RssFile:"),
                usage.minorFaults(), usage.majorFaults());
    }

    /** Parses a line such as {@code "VmRSS:\t  123456 kB"} into bytes. */
    private static long kilobytes(List<String> lines, String key) {
        for (String line : lines) {
            if (line.startsWith(key)) {
                String value = line.substring(key.length()).trim();
                int space = value.indexOf(' ');
                return Long.parseLong(space < 0 ? value : value.substring(0, space)) * 1024;
            }
        }
        throw new IllegalStateException(STATUS + " has no " + key + " line");
    }
}

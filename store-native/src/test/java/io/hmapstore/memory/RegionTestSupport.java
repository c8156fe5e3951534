package io.hmapstore.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the region tests share: a 64 MiB size, a per-page pattern and its classifier, outside
 * measurements (st_blocks, swap), and a check that every test leaves no region open.
 */
abstract class RegionTestSupport {

    static final long MIB = 1L << 20;
    static final long SIZE = 64 * MIB;
    static final long PAGE = MappedRegion.pageSize();
    static final long PAGES = SIZE / PAGE;

    /** A release that drops 64 MiB must show at least this much less RSS (RSS counters are approximate). */
    static final long RSS_DROP = 56 * MIB;
    /** A release that keeps the pages mapped must not lose more RSS than this (the JVM's own noise). */
    static final long RSS_NOISE = 16 * MIB;

    /**
     * Pages that reclaim may skip: a folio sitting in a per-CPU LRU batch (up to 31 folios per CPU
     * since Linux 6.x; 15 before) is off the LRU and cannot be isolated, and {@code madvise} drains
     * only the calling CPU's batches.
     */
    static final long PER_CPU_BATCH_SLACK_PAGES = 31L * onlineCpus();

    private static final byte FILL = (byte) 0xA5;
    private static final long TAG = 0xA5A5_0000_0000_0000L;

    private long openAtStart;

    @BeforeEach
    void recordOpenRegions() {
        openAtStart = MappedRegion.openRegions();
    }

    @AfterEach
    void assertNoRegionLeaked() {
        assertEquals(openAtStart, MappedRegion.openRegions(), "regions left open by the test");
    }

    /** Writes 0xA5 to every byte and the page's own tag into its first 8 bytes, so a page in the wrong place shows. */
    static void writePattern(MemorySegment segment) {
        segment.fill(FILL);
        for (long page = 0; page < segment.byteSize() / PAGE; page++) {
            segment.set(ValueLayout.JAVA_LONG_UNALIGNED, page * PAGE, TAG | page);
        }
    }

    /** How many pages of a segment read as zeros, as the pattern, or as anything else. */
    record PageCounts(long zeros, long old, long other) {
        boolean allZeros() {
            return old == 0 && other == 0;
        }

        boolean allOld() {
            return zeros == 0 && other == 0;
        }
    }

    /** Reads every byte of every page; call it after measuring residency, since reads fault pages in. */
    static PageCounts classify(MemorySegment segment) {
        long zeros = 0;
        long old = 0;
        long other = 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment zeroPage = arena.allocate(PAGE);
            MemorySegment fillPage = arena.allocate(PAGE).fill(FILL);
            for (long page = 0; page < segment.byteSize() / PAGE; page++) {
                MemorySegment p = segment.asSlice(page * PAGE, PAGE);
                if (p.mismatch(zeroPage) == -1) {
                    zeros++;
                } else if (p.get(ValueLayout.JAVA_LONG_UNALIGNED, 0) == (TAG | page)
                        && p.asSlice(8).mismatch(fillPage.asSlice(8)) == -1) {
                    old++;
                } else {
                    other++;
                }
            }
        }
        return new PageCounts(zeros, old, other);
    }

    /** The file's allocated bytes as {@code stat -c %b} reports them (512-byte blocks), outside the JVM. */
    static long statBlocksBytes(Path path) {
        try {
            Process stat = new ProcessBuilder("stat", "-c", "%b", path.toString()).redirectErrorStream(true).start();
            String out = new String(stat.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!stat.waitFor(10, TimeUnit.SECONDS) || stat.exitValue() != 0) {
                throw new IllegalStateException("stat failed: " + out);
            }
            return Long.parseLong(out) * 512;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Whether the machine has swap: without it, anonymous memory cannot be paged out. */
    static boolean hasSwap() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream()
                    .filter(l -> l.startsWith("SwapTotal:"))
                    .anyMatch(l -> !l.matches("SwapTotal:\\s+0 kB"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Counts the CPUs in /sys/devices/system/cpu/online, e.g. "0-1,4" is 3. */
    static int onlineCpus() {
        try {
            int count = 0;
            for (String range : Files.readString(Path.of("/sys/devices/system/cpu/online")).trim().split(",")) {
                String[] ends = range.split("-");
                count += ends.length == 1 ? 1 : Integer.parseInt(ends[1]) - Integer.parseInt(ends[0]) + 1;
            }
            return count;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long rss() {
        return ProcessMemory.snapshot().rssBytes();
    }
}

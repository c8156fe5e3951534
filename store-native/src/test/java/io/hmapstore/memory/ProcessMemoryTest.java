package io.hmapstore.memory;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ProcessMemory's figures move as the kernel says they should when 64 MiB is touched. */
class ProcessMemoryTest extends RegionTestSupport {

    @TempDir
    Path dir;

    @Test
    void snapshot_touchingAnonymousPages_raisesRssAnonAndMinorFaults() {
        try (MappedRegion region = MappedRegion.anonymous(SIZE, SIZE)) {
            ProcessMemory.Snapshot before = ProcessMemory.snapshot();
            region.segment().fill((byte) 1);
            ProcessMemory.Snapshot after = ProcessMemory.snapshot();
            long rss = after.rssBytes() - before.rssBytes();
            long anon = after.rssAnonBytes() - before.rssAnonBytes();
            long faults = after.minorFaults() - before.minorFaults();
            assertTrue(rss >= RSS_DROP, "VmRSS grew by " + rss);
            assertTrue(anon >= RSS_DROP, "RssAnon grew by " + anon);
            // Without MADV_HUGEPAGE (THP in madvise mode) each 4 KiB page costs its own fault.
            assertTrue(faults >= PAGES * 9 / 10, "minor faults: " + faults + " for " + PAGES + " pages");
            assertTrue(after.majorFaults() >= before.majorFaults());
        }
    }

    @Test
    void snapshot_touchingAFileMapping_raisesRssFile() {
        try (MappedRegion region = MappedRegion.file(dir.resolve("rss.map"), SIZE, SIZE)) {
            ProcessMemory.Snapshot before = ProcessMemory.snapshot();
            region.segment().fill((byte) 1);
            ProcessMemory.Snapshot after = ProcessMemory.snapshot();
            long file = after.rssFileBytes() - before.rssFileBytes();
            assertTrue(file >= RSS_DROP, "RssFile grew by " + file);
            assertTrue(after.rssBytes() >= after.rssAnonBytes() + after.rssFileBytes() - 4 * MIB,
                    "VmRSS below RssAnon + RssFile: " + after);
        }
    }
}

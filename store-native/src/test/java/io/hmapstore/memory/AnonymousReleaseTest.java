package io.hmapstore.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Each release policy on 64 MiB of private anonymous memory: what a read returns, residency by
 * mincore and RSS before and after. The expectations are the kernel's real behaviour on a machine
 * without swap (RECIPES.md); where a figure depends on swap the test says so.
 */
class AnonymousReleaseTest extends RegionTestSupport {

    @Test
    void release_keep_readsOldBytesAndStaysResident() {
        try (MappedRegion region = MappedRegion.anonymous(SIZE, SIZE)) {
            Observation seen = Observation.of(region, ReleasePolicy.KEEP);
            assertEquals(SIZE, seen.residentBefore());
            assertEquals(SIZE, seen.residentAfter());
            assertTrue(seen.rssDrop() < RSS_NOISE, "RSS dropped by " + seen.rssDrop());
            assertEquals(new PageCounts(0, PAGES, 0), seen.pages());
            assertFalse(ReleasePolicy.KEEP.guaranteesZeros(false));
        }
    }

    @Test
    void release_zero_readsZerosAndStaysResident() {
        try (MappedRegion region = MappedRegion.anonymous(SIZE, SIZE)) {
            Observation seen = Observation.of(region, ReleasePolicy.ZERO);
            assertEquals(SIZE, seen.residentAfter());
            assertTrue(seen.rssDrop() < RSS_NOISE, "RSS dropped by " + seen.rssDrop());
            assertTrue(ReleasePolicy.ZERO.guaranteesZeros(false));
            assertEquals(new PageCounts(PAGES, 0, 0), seen.pages());
        }
    }

    @Test
    void release_dontneed_readsZerosAndDropsResidency() {
        try (MappedRegion region = MappedRegion.anonymous(SIZE, SIZE)) {
            Observation seen = Observation.of(region, ReleasePolicy.DONTNEED);
            assertEquals(SIZE, seen.residentBefore());
            assertEquals(0, seen.residentAfter());
            assertTrue(seen.rssDrop() >= RSS_DROP, "RSS dropped by only " + seen.rssDrop());
            assertTrue(ReleasePolicy.DONTNEED.guaranteesZeros(false));
            assertEquals(new PageCounts(PAGES, 0, 0), seen.pages());
        }
    }

    @Test
    void release_dontneedOnMiddleHalf_dropsOnlyThatRange() {
        try (MappedRegion region = MappedRegion.anonymous(SIZE, SIZE)) {
            writePattern(region.segment());
            region.release(SIZE / 4, SIZE / 2, ReleasePolicy.DONTNEED);
            assertEquals(SIZE / 2, region.residentBytes(0, SIZE));
            assertEquals(0, region.residentBytes(SIZE / 4, SIZE / 2));
            assertEquals(SIZE / 4, region.residentBytes(0, SIZE / 4));
            assertEquals(new PageCounts(0, PAGES / 4, 0), classify(region.segment().asSlice(0, SIZE / 4)));
            assertEquals(new PageCounts(PAGES / 2, 0, 0), classify(region.segment().asSlice(SIZE / 4, SIZE / 2)));
        }
    }

    @Test
    void release_free_keepsOldBytesResidentWithoutMemoryPressure() {
        try (MappedRegion region = MappedRegion.anonymous(SIZE, SIZE)) {
            Observation seen = Observation.of(region, ReleasePolicy.FREE);
            // MADV_FREE only marks the pages lazily freeable: nothing is reclaimed until the kernel needs memory.
            assertEquals(SIZE, seen.residentAfter());
            assertTrue(seen.rssDrop() < RSS_NOISE, "RSS dropped by " + seen.rssDrop());
            assertFalse(ReleasePolicy.FREE.guaranteesZeros(false));
            assertEquals(new PageCounts(0, PAGES, 0), seen.pages());
        }
    }

    @Test
    void release_freeThenPageout_readsZerosExceptPagesStillInAPerCpuBatch() {
        try (MappedRegion region = MappedRegion.anonymous(SIZE, SIZE)) {
            writePattern(region.segment());
            region.release(0, SIZE, ReleasePolicy.FREE);
            assertEquals(new PageCounts(0, PAGES, 0), classify(region.segment()), "right after MADV_FREE");
            long rssBefore = rss();
            // Lazily freed pages are clean: reclaim discards them instead of swapping them out. The
            // last few, still in another CPU's lazyfree batch, are not on the LRU and escape.
            region.release(0, SIZE, ReleasePolicy.PAGEOUT);
            long resident = region.residentBytes(0, SIZE);
            assertTrue(resident <= PER_CPU_BATCH_SLACK_PAGES * PAGE, "still resident: " + resident);
            long drop = rssBefore - rss();
            assertTrue(drop >= RSS_DROP, "RSS dropped by only " + drop);
            PageCounts after = classify(region.segment());
            assertEquals(0, after.other(), "after MADV_PAGEOUT: " + after);
            assertEquals(resident / PAGE, after.old(), "the pages that escaped reclaim keep the old bytes: " + after);
        }
    }

    @Test
    void release_freeThenWrite_keepsTheNewBytesThroughPageout() {
        try (MappedRegion region = MappedRegion.anonymous(SIZE, SIZE)) {
            writePattern(region.segment());
            region.release(0, SIZE, ReleasePolicy.FREE);
            // A write after MADV_FREE cancels the free for that page: reclaim must keep it.
            writePattern(region.segment());
            region.release(0, SIZE, ReleasePolicy.PAGEOUT);
            if (!hasSwap()) {
                assertEquals(SIZE, region.residentBytes(0, SIZE));
            }
            assertEquals(new PageCounts(0, PAGES, 0), classify(region.segment()));
        }
    }

    @Test
    void release_pageout_keepsOldBytesAndWithoutSwapStaysResident() {
        try (MappedRegion region = MappedRegion.anonymous(SIZE, SIZE)) {
            Observation seen = Observation.of(region, ReleasePolicy.PAGEOUT);
            if (!hasSwap()) {
                // Dirty anonymous pages have nowhere to go without swap.
                assertEquals(SIZE, seen.residentAfter());
                assertTrue(seen.rssDrop() < RSS_NOISE, "RSS dropped by " + seen.rssDrop());
            }
            assertFalse(ReleasePolicy.PAGEOUT.guaranteesZeros(false));
            assertEquals(new PageCounts(0, PAGES, 0), seen.pages());
        }
    }

    @Test
    void release_cold_keepsOldBytesAndStaysResident() {
        try (MappedRegion region = MappedRegion.anonymous(SIZE, SIZE)) {
            Observation seen = Observation.of(region, ReleasePolicy.COLD);
            assertEquals(SIZE, seen.residentAfter());
            assertTrue(seen.rssDrop() < RSS_NOISE, "RSS dropped by " + seen.rssDrop());
            assertFalse(ReleasePolicy.COLD.guaranteesZeros(false));
            assertEquals(new PageCounts(0, PAGES, 0), seen.pages());
        }
    }

    @Test
    void release_unmap_readsZerosFromAFreshMappingAtTheSameAddress() {
        try (MappedRegion region = MappedRegion.anonymous(SIZE, SIZE)) {
            long base = region.segment().address();
            Observation seen = Observation.of(region, ReleasePolicy.UNMAP);
            assertEquals(SIZE, seen.residentBefore());
            assertEquals(0, seen.residentAfter());
            assertTrue(seen.rssDrop() >= RSS_DROP, "RSS dropped by only " + seen.rssDrop());
            assertTrue(ReleasePolicy.UNMAP.guaranteesZeros(false));
            assertEquals(new PageCounts(PAGES, 0, 0), seen.pages());
            assertEquals(base, region.segment().address());
            assertEquals("rw-p", AddressMap.find(base + SIZE / 2).orElseThrow().perms());
            // The fresh mapping is ordinary memory: writable again.
            writePattern(region.segment());
            assertEquals(new PageCounts(0, PAGES, 0), classify(region.segment()));
        }
    }

    @Test
    void release_punchHole_isRefusedOnAnonymousBeforeAnyCall() {
        try (MappedRegion region = MappedRegion.anonymous(SIZE, SIZE)) {
            writePattern(region.segment());
            long calls = Libc.downcalls();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> region.release(0, SIZE, ReleasePolicy.PUNCH_HOLE));
            assertEquals("PUNCH_HOLE applies to file-backed regions; this region is anonymous", e.getMessage());
            assertEquals(calls, Libc.downcalls());
            assertEquals(SIZE, region.residentBytes(0, SIZE));
            assertEquals(new PageCounts(0, PAGES, 0), classify(region.segment()));
        }
    }
}

package io.hmapstore.store;

import io.hmapstore.CorruptedStoreException;
import io.hmapstore.MemoryBudget;
import io.hmapstore.StoreStats;
import io.hmapstore.VerifyReport;
import io.hmapstore.heap.EntryHeap;
import io.hmapstore.heap.NativeFailure;
import io.hmapstore.memory.MappedRegion;
import io.hmapstore.memory.NativeCallException;
import io.hmapstore.table.HashTable;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * The inspection of a live {@link TableStore}: {@code stats()} and {@code verify()} assembled from what
 * each segment, the heap and the region report. Each segment is read as a reader
 * ({@link SegmentAccess#enterRead}), one at a time, so the figures are each segment's own at some
 * moment, not one snapshot of the store. {@code stats()} observes and never throws for a damaged
 * chain; {@code verify()} is where damage is reported, as problems, never as an exception.
 */
final class StoreInspection {
    private StoreInspection() {
    }

    /** @return the entries the segments count, expired or not, read without entering them */
    static long countedEntries(HashTable table) {
        long n = 0;
        for (int s = 0; s < table.segments; s++) {
            n += table.count(s);
        }
        return n;
    }

    static StoreStats stats(SegmentAccess access, HashTable table, EntryHeap heap, MappedRegion region,
            MemoryBudget budget, Compaction compaction) {
        access.checkOpen();
        int[] log2 = new int[table.segments];
        long buckets = 0;
        long overflow = 0;
        long entries = 0;
        long[] chains = new long[HashTable.CHAIN_HISTOGRAM];
        long[] segmentEntries = new long[table.segments];
        long[] segmentOverflow = new long[table.segments];
        for (int s = 0; s < table.segments; s++) {
            long stamp = access.enterRead(s);
            try {
                try {
                    table.chainLengths(s, chains);
                } catch (CorruptedStoreException e) {
                    // stats() observes; verify() is where a damaged chain is reported.
                }
                log2[s] = table.log2Buckets(s);
                if (table.isMade(s)) {
                    buckets += 1L << log2[s];
                }
                segmentOverflow[s] = table.overflowBuckets(s);
                segmentEntries[s] = table.count(s);
                overflow += segmentOverflow[s];
                entries += segmentEntries[s];
            } finally {
                access.exitRead(s, stamp);
            }
        }
        return new StoreStats(entries, table.segments, log2, buckets, overflow,
                buckets == 0 ? 0 : (double) entries / buckets, table.growths(), table.sameSizeGrowths(),
                table.shrinks(), table.evacuations(), region.size(), heap.bytesInUse(),
                residentBytes(region), heap.retiredBytes(), heap.releasedBytes(),
                heap.bytesBySizeClass(), heap.reusedNonZeroBytes(), heap.releaseNanos(), chains, segmentEntries,
                segmentOverflow, budget, heap.fragmentation(), compaction.movedBytes(), compaction.runs());
    }

    /** @return the region's bytes resident in RAM (mincore), a failed call wrapped as every native failure is */
    static long residentBytes(MappedRegion region) {
        try {
            return region.residentBytes(0, region.size());
        } catch (NativeCallException e) {
            throw NativeFailure.of("cannot count the store's resident pages", e);
        }
    }

    static VerifyReport verify(SegmentAccess access, HashTable table, EntryHeap heap) {
        access.checkOpen();
        List<VerifyReport.Problem> problems = new ArrayList<>();
        long entries = 0;
        long buckets = 0;
        MemorySegment m = heap.mem();
        if (m.get(ValueLayout.JAVA_LONG, StoreHeader.MAGIC) != StoreHeader.MAGIC_VALUE) {
            problems.add(new VerifyReport.Problem(-1, -1, StoreHeader.MAGIC, "magic 0x"
                    + Long.toHexString(StoreHeader.MAGIC_VALUE), "0x" + Long.toHexString(m.get(ValueLayout.JAVA_LONG,
                            StoreHeader.MAGIC))));
        }
        for (int s = 0; s < table.segments; s++) {
            long stamp = access.enterRead(s);
            try {
                long[] r = table.verify(s, problems);
                entries += r[0];
                buckets += r[1];
            } finally {
                access.exitRead(s, stamp);
            }
        }
        return new VerifyReport(entries, buckets, problems);
    }
}

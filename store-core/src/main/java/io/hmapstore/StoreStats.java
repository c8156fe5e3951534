package io.hmapstore;

import io.hmapstore.memory.ReleasePolicy;
import java.util.Map;

/**
 * A snapshot of a store's shape and memory, as Go's {@code gctrace} and a map's {@code hmap} fields
 * would show it.
 *
 * @param entries live entries
 * @param segments number of segments
 * @param bucketsLog2 {@code B} of each segment (buckets = 2^B)
 * @param buckets primary buckets over all segments
 * @param overflowBuckets overflow buckets in use
 * @param loadFactor entries per primary bucket (Go grows past 6.5)
 * @param growths doublings started
 * @param sameSizeGrowths same-size grows started (too many overflow buckets)
 * @param shrinks halvings started
 * @param evacuations old buckets evacuated
 * @param mappedBytes bytes of the region mapped read-write
 * @param heapBytesInUse bytes handed out by the entry heap and not yet freed
 * @param residentBytes mapped bytes resident in RAM (mincore)
 * @param retiredBytes bytes retired (old arrays, freed overflow buckets and entries)
 * @param releasedBytes bytes handed to the release policy, by policy
 * @param bytesBySizeClass bytes in use by entry-heap size class (block size → bytes)
 * @param reusedNonZeroBytes with {@link OffHeapMap.Builder#verifyReuse()}: non-zero bytes found in
 *     reused memory as it was handed out — the pollution hazard; 0 while ZERO_ON_REUSE is on
 * @param releaseNanos time spent inside release-policy calls ({@code madvise}, {@code fallocate}, ...)
 * @param chainLengthHistogram primary buckets by chain length: index {@code n} counts chains of
 *     {@code n} buckets (1 = no overflow), the last index counts that many or more; index 0 is unused
 * @param segmentEntries live entries of each segment
 * @param segmentOverflowBuckets overflow buckets of each segment (its {@code noverflow})
 * @param budget how a {@code maxBytes} bound is spent (what the store keeps for itself, the table's
 *     largest size, the entries' share, whether {@code expectedEntries} was trimmed);
 *     {@link MemoryBudget#NONE} for a store without one
 * @param fragmentation the fraction of the small-entry slabs' bytes not in use (free blocks and unused
 *     slab tails), 0 to 1: what compaction brings down ({@link OffHeapMap#compact()})
 * @param compactedBytes bytes of entries and overflow buckets moved by compaction since the store opened
 * @param compactions compaction runs finished since the store opened
 */
public record StoreStats(
        long entries,
        int segments,
        int[] bucketsLog2,
        long buckets,
        long overflowBuckets,
        double loadFactor,
        long growths,
        long sameSizeGrowths,
        long shrinks,
        long evacuations,
        long mappedBytes,
        long heapBytesInUse,
        long residentBytes,
        long retiredBytes,
        Map<ReleasePolicy, Long> releasedBytes,
        Map<Long, Long> bytesBySizeClass,
        long reusedNonZeroBytes,
        long releaseNanos,
        long[] chainLengthHistogram,
        long[] segmentEntries,
        long[] segmentOverflowBuckets,
        MemoryBudget budget,
        double fragmentation,
        long compactedBytes,
        long compactions) {

    /**
     * The record as it was before compaction's figures were added (they read 0), so code that made one
     * still compiles.
     */
    public StoreStats(long entries, int segments, int[] bucketsLog2, long buckets, long overflowBuckets,
            double loadFactor, long growths, long sameSizeGrowths, long shrinks, long evacuations, long mappedBytes,
            long heapBytesInUse, long residentBytes, long retiredBytes, Map<ReleasePolicy, Long> releasedBytes,
            Map<Long, Long> bytesBySizeClass, long reusedNonZeroBytes, long releaseNanos, long[] chainLengthHistogram,
            long[] segmentEntries, long[] segmentOverflowBuckets, MemoryBudget budget) {
        this(entries, segments, bucketsLog2, buckets, overflowBuckets, loadFactor, growths, sameSizeGrowths, shrinks,
                evacuations, mappedBytes, heapBytesInUse, residentBytes, retiredBytes, releasedBytes, bytesBySizeClass,
                reusedNonZeroBytes, releaseNanos, chainLengthHistogram, segmentEntries, segmentOverflowBuckets, budget,
                0, 0, 0);
    }

    /**
     * Every component by name, arrays by their elements ({@code bucketsLog2=[4, 4]}), not by the
     * identity a record's own {@code toString()} prints for them ({@code [I@506e6d5e}). Built from the
     * record's components, so one added later is printed too.
     */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("StoreStats[");
        for (java.lang.reflect.RecordComponent c : StoreStats.class.getRecordComponents()) {
            Object value;
            try {
                value = c.getAccessor().invoke(this);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + c.getName() + " of a StoreStats", e);
            }
            s.append(s.length() > "StoreStats[".length() ? ", " : "").append(c.getName()).append('=')
                    .append(switch (value) {
                        case int[] a -> java.util.Arrays.toString(a);
                        case long[] a -> java.util.Arrays.toString(a);
                        default -> String.valueOf(value);
                    });
        }
        return s.append(']').toString();
    }
}

package io.hmapstore;

/**
 * How a store bounded by {@code maxBytes} spends its bound, decided when it opens: what the store keeps
 * for itself, how large its table may grow, and what is left for entries, which eviction keeps within
 * it. Every figure is in bytes of mapped memory unless it says otherwise; they add up:
 * {@code headerBytes + reserveBytes + tableBytes + entryBytes == maxBytes}.
 *
 * <p>A store without a byte bound has {@link #NONE}, all zeros.
 *
 * @param maxBytes the bound; 0 for a store without one
 * @param headerBytes the superblock and segment headers, mapped before the heap
 * @param reserveBytes kept at the end of the bound for work that must not fail halfway (an evacuation's
 *     overflow buckets, recovery)
 * @param tableBytes the most the bucket arrays may take: two arrays per segment at {@code maxBucketsLog2},
 *     since a growing segment holds its old array and its new one until evacuation ends
 * @param entryBytes what is left for entries and overflow buckets; eviction starts at three quarters of it
 * @param maxBucketsLog2 the largest {@code B} a segment doubles to (its table stops growing there)
 * @param maxEntryBytes the largest entry block (key, value and their header) a put may need; a larger one
 *     is refused with {@link IllegalArgumentException}, evicting nothing
 * @param minimumBytes the smallest bound that holds an empty store with this store's segment count (a new
 *     {@code CONCURRENT} store takes fewer segments under a small bound: with one, 400 KiB)
 * @param expectedEntriesAsked what {@code expectedEntries} asked for
 * @param expectedEntriesPlanned what the store was sized for: {@code expectedEntriesAsked} trimmed to what
 *     the table holds at {@code maxBucketsLog2}
 */
public record MemoryBudget(
        long maxBytes,
        long headerBytes,
        long reserveBytes,
        long tableBytes,
        long entryBytes,
        int maxBucketsLog2,
        long maxEntryBytes,
        long minimumBytes,
        long expectedEntriesAsked,
        long expectedEntriesPlanned) {

    /** The budget of a store without a byte bound. */
    public static final MemoryBudget NONE = new MemoryBudget(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** @return whether {@code expectedEntries} was trimmed to what the bound holds */
    public boolean expectedEntriesTrimmed() {
        return expectedEntriesPlanned < expectedEntriesAsked;
    }
}

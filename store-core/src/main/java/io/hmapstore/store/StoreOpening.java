package io.hmapstore.store;

import io.hmapstore.Codec;
import io.hmapstore.Concurrency;
import io.hmapstore.MemoryBudget;
import io.hmapstore.heap.EntryHeap;
import io.hmapstore.memory.ReleasePolicy;
import io.hmapstore.table.BucketLayout;
import io.hmapstore.table.HashTable;

/**
 * What opening a {@link TableStore} decides before the store exists: the codecs and release policy
 * checked against each other, the number of segments, the plan of a {@code maxBytes} bound
 * ({@link MemoryPlan}), each segment's initial size, and then the region, heap and table opened
 * (anonymous, or a file created or reopened by {@link StoreFile}). It is one static factory,
 * {@link #open}, so that the constructor of the façade only wires the parts it returns together.
 *
 * <p>Implementation notes. The segment count is {@code 4 × CPUs} for {@link Concurrency#CONCURRENT}
 * and 1 for {@link Concurrency#SINGLE_WRITER}, more when {@code expectedEntries} would put over about a
 * million entries in one segment, at most {@code 2^}{@link TableStore#MAX_SEGMENT_BITS}. A byte bound is
 * planned before the region is made: with fewer segments when it cannot hold this many empty ones, and
 * {@code expectedEntries} trimmed to what the planned table holds. A reopened file brings its own
 * segment count, so the plan is made again for the table it has, and only then does the table learn
 * its largest size ({@link HashTable#planWithin}) and the heap its urgent reserve. Each segment starts
 * with the smallest {@code B} whose buckets hold its share of the expected entries under the load
 * factor (Go's {@code overLoadFactor}), never above the plan's largest.
 *
 * @param parts what {@link StoreFile} opened
 * @param budget the plan of the byte bound, {@link MemoryBudget#NONE} without one
 * @param entryLimit the most entries kept: {@code maxEntries}, or what a byte bound's table holds at
 *     its largest when entries live in the slots; 0 for none
 * @param evictAbove entry and overflow bytes past which writes evict: three quarters of the budget's
 *     entry share
 */
record StoreOpening(StoreFile.Parts parts, MemoryBudget budget, long entryLimit, long evictAbove) {

    /**
     * Checks the configuration, plans and opens the store's memory.
     *
     * @param config what the builder collected
     * @return the opened parts and the plan they were opened under
     */
    static StoreOpening open(StoreConfig<?, ?> config) {
        Codec<?> keys = config.keys();
        Codec<?> values = config.values();
        if (keys.fixedSize() == 0 || values.fixedSize() == 0 || keys.fixedSize() < Codec.VARIABLE_SIZE
                || values.fixedSize() < Codec.VARIABLE_SIZE) {
            throw new IllegalArgumentException("codec fixed sizes must be positive or VARIABLE_SIZE: keys "
                    + keys.id() + " = " + keys.fixedSize() + ", values " + values.id() + " = " + values.fixedSize());
        }
        ReleasePolicy policy = config.releasePolicy();
        if (!policy.appliesTo(config.file() != null)) {
            throw new IllegalArgumentException("release policy " + policy + " does not apply to "
                    + (config.file() == null ? "an anonymous store; use it with persistTo(path), or choose DONTNEED"
                            : "a file-backed store; choose PUNCH_HOLE (the default for files) or DONTNEED"));
        }
        long maxEntries = config.maxEntries();
        long maxBytes = config.maxBytes();
        int segmentBits = segmentBits(config);
        // A bounded store is sized for its bound up front, so it never grows (nor shrinks) past it.
        long expected = Math.max(config.expectedEntries(), maxEntries);
        MemoryBudget planned = MemoryBudget.NONE;
        if (maxBytes > 0) {
            // Fewer segments when the bound cannot hold this many empty ones; then the table's size.
            for (; (planned = plan(config, segmentBits, StoreFile.Geometry.of(segmentBits, 0).heapStart(),
                    expected)) == null && segmentBits > 0; segmentBits--) {
            }
            if (planned == null) {
                throw belowMinimum(config, segmentBits, StoreFile.Geometry.of(segmentBits, 0).heapStart());
            }
            expected = planned.expectedEntriesPlanned();
        }
        int segments = 1 << segmentBits;
        long perSegment = (expected + segments - 1) / segments;
        int initialLog2 = 0;
        while (perSegment * 2 > 13L * (1L << initialLog2)) {
            initialLog2++;
        }
        if (maxBytes > 0) {
            initialLog2 = Math.min(initialLog2, planned.maxBucketsLog2());
        }
        StoreFile.Geometry geometry = StoreFile.Geometry.of(segmentBits, initialLog2);
        StoreFile.Parts parts = config.file() == null ? StoreFile.anonymous(config, geometry)
                : StoreFile.open(config, geometry);
        HashTable table = parts.table();
        EntryHeap heap = parts.heap();
        if (maxBytes > 0) {
            // A reopened file brings its own segment count: plan again for the table it has.
            MemoryBudget actual = plan(config, table.segmentBits, heap.heapStart(), planned.expectedEntriesAsked());
            if (actual == null) {
                RuntimeException e = belowMinimum(config, table.segmentBits, heap.heapStart());
                closeParts(parts);
                throw e;
            }
            planned = actual;
            table.planWithin(planned.maxBucketsLog2(), planned.maxEntryBytes());
            heap.reserveUrgentBytes(planned.reserveBytes());
        }
        // The table stops growing at the plan's size. Entries that live in the slots cost the heap
        // nothing that evicting them gives back (only overflow buckets, which stay linked), so their
        // number is held to what the table holds there; entries in the heap are bounded by their bytes.
        boolean inline = keys.fixedSize() > 0 && values.fixedSize() > 0;
        long held = maxBytes > 0 && inline ? MemoryPlan.capacity(table.segments, planned.maxBucketsLog2()) : 0;
        long entryLimit = maxEntries > 0 && held > 0 ? Math.min(maxEntries, held) : Math.max(maxEntries, held);
        long evictAbove = planned.entryBytes() / MemoryPlan.EVICT_AT_DEN * MemoryPlan.EVICT_AT_NUM;
        if (config.hugePages()) {
            heap.adviseHugePages();
        }
        for (int s = 0; s < table.segments; s++) {
            table.publishBucketArray(s);
        }
        return new StoreOpening(parts, planned, entryLimit, evictAbove);
    }

    /**
     * @return the plan of this store's byte bound with {@code 2^segmentBits} segments, or null if it cannot
     *     hold them
     */
    private static MemoryBudget plan(StoreConfig<?, ?> config, int segmentBits, long heapStart, long expected) {
        return MemoryPlan.plan(config.maxBytes(), heapStart, 1 << segmentBits, layout(config).size,
                inline(config), expected);
    }

    private static BucketLayout layout(StoreConfig<?, ?> config) {
        return BucketLayout.forSizes(config.keys().fixedSize(), config.values().fixedSize(), config.evicting(),
                config.expiring());
    }

    private static boolean inline(StoreConfig<?, ?> config) {
        return config.keys().fixedSize() > 0 && config.values().fixedSize() > 0;
    }

    /** Closes what a constructor that fails after opening had opened: the file cleanly, or the region. */
    private static void closeParts(StoreFile.Parts parts) {
        if (parts.file() != null) {
            parts.file().closeClean();
        } else {
            parts.region().close();
        }
    }

    private static IllegalArgumentException belowMinimum(StoreConfig<?, ?> config, int segmentBits, long heapStart) {
        long minimum = MemoryPlan.minimum(heapStart, 1 << segmentBits, layout(config).size, inline(config));
        return new IllegalArgumentException("maxBytes " + config.maxBytes() + " cannot hold an empty store of "
                + (1 << segmentBits) + " segment(s): the minimum is " + minimum + " bytes (headers " + heapStart
                + ", a reserve of " + MemoryPlan.reserve(minimum) + " for finishing a growth, the smallest bucket"
                + " arrays and room for a slab of entries per segment)");
    }

    private static int segmentBits(StoreConfig<?, ?> config) {
        long wanted = config.concurrency() == Concurrency.CONCURRENT
                ? 4L * Runtime.getRuntime().availableProcessors()
                : 1;
        // Keep a segment's bucket array within about a million entries, so no one array is huge.
        wanted = Math.max(wanted, Math.max(config.expectedEntries(), config.maxEntries()) >> 20);
        int bits = 0;
        while ((1L << bits) < wanted && bits < TableStore.MAX_SEGMENT_BITS) {
            bits++;
        }
        return bits;
    }
}

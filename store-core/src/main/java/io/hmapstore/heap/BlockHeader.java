package io.hmapstore.heap;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Descriptor of the 8-byte header that precedes every block the {@link EntryHeap} hands out. The store
 * keeps offsets to payloads; the header is always at {@code payload - 8}.
 *
 * <pre>
 *   payload-8                        payload-4  -3       -2            payload
 *   +--------------------------------+---------+--------+-------------+--------
 *   | generation u32                 | kind u8 | class u8| log2pages u16| payload ...   (large block)
 *   |                                |         |        | slab u16     |               (small block)
 *   +--------------------------------+---------+--------+-------------+--------
 * </pre>
 *
 * <p>The last field is a large block's size ({@code pageSize << log2pages}) and, for a small block,
 * where its slab is: the distance from the slab's payload to the block, in 16-byte granules (at most
 * 4,092), so freeing a block finds its slab without a search.
 *
 * <p>Every allocation gets a fresh, never-zero {@code generation}; freeing writes kind {@link #FREED}
 * and generation 0. A view holding an old generation therefore sees a mismatch whether the block was
 * freed, zeroed by the kernel, or reused. {@code kind} lets every followed offset be checked for the
 * area it must point into (an overflow pointer must land on an overflow bucket).
 *
 * <p>Small blocks (size classes up to {@link SizeClasses#MAX_SMALL_BLOCK}) start 16-byte aligned with
 * the payload 8 bytes in. Large blocks (bucket arrays, slabs, big entries) start page-aligned and
 * span a power-of-two number of pages; their payload starts {@link #LARGE_PAYLOAD_OFFSET} bytes in,
 * on a cache line, with the header just before it.
 *
 * <p>The heap reads and writes a header through the accessors below, given the payload offset. All
 * of them are plain loads and stores (no suffix, in the memory-order legend of
 * {@code io.hmapstore.table}'s package documentation); whatever order a caller needs comes from the
 * fences and stamps around them.
 */
public final class BlockHeader {
    public static final long SIZE = 8;
    public static final long GENERATION = -8;
    public static final long KIND = -4;
    public static final long SIZE_CLASS = -3;
    public static final long LOG2_PAGES = -2;
    /** A small block's distance from its slab's payload, in granules; the same bytes as {@link #LOG2_PAGES}. */
    static final long SLAB_GRANULES = -2;

    public static final long LARGE_PAYLOAD_OFFSET = 64;
    /** The most a large block's {@code log2pages} may say: a header past it is damaged, not a block. */
    public static final int MAX_LOG2_PAGES = 39;
    /** In a slab's 64-byte large header, from the block start: the size class it is carved into. */
    public static final long SLAB_CLASS = 48 - LARGE_PAYLOAD_OFFSET;
    /**
     * In a slab's large header, from the payload: a u32 a sweep counts the slab's free blocks in. Scratch,
     * meaningless between sweeps and never read on open.
     */
    static final long SLAB_FREE_BLOCKS = -LARGE_PAYLOAD_OFFSET;
    public static final int LARGE_CLASS = 0xFF;

    public static final byte FREED = 0;
    public static final byte BUCKETS = 1;
    public static final byte OVERFLOW = 2;
    public static final byte ENTRY = 3;
    public static final byte SLAB = 4;

    private BlockHeader() {
    }

    static int generation(MemorySegment m, long payload) {
        return m.get(ValueLayout.JAVA_INT, payload + GENERATION);
    }

    static void setGeneration(MemorySegment m, long payload, int generation) {
        m.set(ValueLayout.JAVA_INT, payload + GENERATION, generation);
    }

    static byte kind(MemorySegment m, long payload) {
        return m.get(ValueLayout.JAVA_BYTE, payload + KIND);
    }

    static void setKind(MemorySegment m, long payload, byte kind) {
        m.set(ValueLayout.JAVA_BYTE, payload + KIND, kind);
    }

    /** @return the size class, unsigned: a small class, or {@link #LARGE_CLASS} */
    static int sizeClass(MemorySegment m, long payload) {
        return m.get(ValueLayout.JAVA_BYTE, payload + SIZE_CLASS) & 0xFF;
    }

    static void setSizeClass(MemorySegment m, long payload, int sizeClass) {
        m.set(ValueLayout.JAVA_BYTE, payload + SIZE_CLASS, (byte) sizeClass);
    }

    /** @return a large block's log2 of its pages, signed as stored: a damaged header may say less than 0 */
    static int log2Pages(MemorySegment m, long payload) {
        return m.get(ValueLayout.JAVA_SHORT, payload + LOG2_PAGES);
    }

    static void setLog2Pages(MemorySegment m, long payload, int log2Pages) {
        m.set(ValueLayout.JAVA_SHORT, payload + LOG2_PAGES, (short) log2Pages);
    }

    /** @return whether all eight bytes of the header are zero: wiped, never written */
    static boolean isWhollyZero(MemorySegment m, long payload) {
        return m.get(ValueLayout.JAVA_LONG, payload - SIZE) == 0;
    }

    /** @return a small block's distance from its slab's payload, in granules, unsigned */
    static int slabGranules(MemorySegment m, long payload) {
        return m.get(ValueLayout.JAVA_SHORT, payload + SLAB_GRANULES) & 0xFFFF;
    }

    static void setSlabGranules(MemorySegment m, long payload, long granules) {
        m.set(ValueLayout.JAVA_SHORT, payload + SLAB_GRANULES, (short) granules);
    }

    /** @return the size class a slab (by its payload) is carved into, unsigned */
    static int slabClass(MemorySegment m, long slab) {
        return m.get(ValueLayout.JAVA_BYTE, slab + SLAB_CLASS) & 0xFF;
    }

    static void setSlabClass(MemorySegment m, long slab, int sizeClass) {
        m.set(ValueLayout.JAVA_BYTE, slab + SLAB_CLASS, (byte) sizeClass);
    }

    /** @return the count of its free blocks a sweep keeps in a slab's header (by its payload) */
    static int slabFreeBlocks(MemorySegment m, long slab) {
        return m.get(ValueLayout.JAVA_INT, slab + SLAB_FREE_BLOCKS);
    }

    static void setSlabFreeBlocks(MemorySegment m, long slab, int count) {
        m.set(ValueLayout.JAVA_INT, slab + SLAB_FREE_BLOCKS, count);
    }

    public static String kindName(int kind) {
        return switch (kind) {
            case FREED -> "freed";
            case BUCKETS -> "bucket array";
            case OVERFLOW -> "overflow bucket";
            case ENTRY -> "entry";
            case SLAB -> "slab";
            default -> "unknown kind " + kind;
        };
    }
}

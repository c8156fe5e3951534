package io.hmapstore.heap;

import io.hmapstore.memory.MappedRegion;

/**
 * The entry heap's block sizes, as Go's {@code mallocgc} size classes, coarser: small blocks come in
 * 16-byte steps up to 128 bytes, then four classes per power of two up to {@link #MAX_SMALL_BLOCK};
 * anything larger is a large block of a power-of-two number of pages.
 */
public final class SizeClasses {
    /** The largest small block; a block past it is large. */
    public static final long MAX_SMALL_BLOCK = 16 * 1024;
    /** Small blocks start on, and are sized in, granules. */
    static final long GRANULE = 16;
    private static final long[] SIZES = sizes();
    private static final byte[] BY_GRANULE = lookup();
    /** How many small classes there are. */
    static final int COUNT = SIZES.length;

    private SizeClasses() {
    }

    /** @return the class of a small block of {@code blockBytes}, at most {@link #MAX_SMALL_BLOCK} */
    static int classOf(long blockBytes) {
        return BY_GRANULE[(int) ((blockBytes + GRANULE - 1) / GRANULE)];
    }

    /** @return the block size of class {@code sizeClass}, which must be one */
    static long size(int sizeClass) {
        return SIZES[sizeClass];
    }

    /** The block size of size class {@code sizeClass}, for a read-only walk of a file's heap; -1 if there is none. */
    public static long sizeOrNone(int sizeClass) {
        return sizeClass >= 0 && sizeClass < SIZES.length ? SIZES[sizeClass] : -1;
    }

    /**
     * @param payloadBytes a large block's payload
     * @return the bytes of the large block that holds it: whole pages, a power of two of them
     */
    public static long largeBytes(long payloadBytes) {
        return MappedRegion.pageSize() << largeLog2Pages(payloadBytes);
    }

    /** @return the log2 of the pages of the large block that holds {@code payloadBytes} */
    static int largeLog2Pages(long payloadBytes) {
        long pageSize = MappedRegion.pageSize();
        long pages = (payloadBytes + BlockHeader.LARGE_PAYLOAD_OFFSET + pageSize - 1) / pageSize;
        return 64 - Long.numberOfLeadingZeros(pages - 1);
    }

    /**
     * @param payloadBytes an entry's payload
     * @return the bytes of the block that holds it, small or large
     */
    public static long blockBytes(long payloadBytes) {
        long block = payloadBytes + BlockHeader.SIZE;
        return block <= MAX_SMALL_BLOCK ? SIZES[classOf(block)] : largeBytes(payloadBytes);
    }

    private static long[] sizes() {
        java.util.ArrayList<Long> sizes = new java.util.ArrayList<>();
        for (long s = 16; s <= 128; s += 16) {
            sizes.add(s);
        }
        for (long base = 128; base < MAX_SMALL_BLOCK; base *= 2) {
            for (int q = 1; q <= 4; q++) {
                sizes.add(base + base / 4 * q);
            }
        }
        return sizes.stream().mapToLong(Long::longValue).toArray();
    }

    private static byte[] lookup() {
        byte[] lookup = new byte[(int) (MAX_SMALL_BLOCK / GRANULE) + 1];
        int c = 0;
        for (int g = 0; g < lookup.length; g++) {
            while (SIZES[c] < g * GRANULE) {
                c++;
            }
            lookup[g] = (byte) c;
        }
        return lookup;
    }
}

package io.hmapstore.heap;

import io.hmapstore.CorruptedStoreException;
import java.lang.foreign.MemorySegment;
import java.util.BitSet;

/**
 * The two walks of the entry heap from its start to {@code top}, block by block, by the large-block
 * headers that every block of the heap's top level carries (slabs, bucket arrays, large entries, free
 * blocks): the rebuild of a heap opened from a file, and the defragmentation of a full bounded heap.
 * Both run with the heap's monitor held ({@link EntryHeap#rebuild}, {@link EntryHeap#defragment}).
 */
final class HeapWalks {
    private HeapWalks() {
    }

    /**
     * Rebuilds the allocator of a heap opened from a file: keeps the blocks {@code reachable} names (by
     * block start) and puts every other one on a free list. Free large blocks are released with the
     * policy (or zeroed) so they read as zeros, whatever a crash left in them.
     *
     * @throws CorruptedStoreException if a block header is impossible
     */
    static void rebuild(EntryHeap heap, BitSet reachable, int maxGeneration) {
        // Recovery may already have allocated (finishing an evacuation): start the books afresh, keep top.
        heap.forgetBooks(maxGeneration);
        MemorySegment m = heap.mem();
        long pageSize = heap.pageSize();
        long start = heap.heapStart();
        while (start < heap.top()) {
            long payload = start + BlockHeader.LARGE_PAYLOAD_OFFSET;
            int log2Pages = BlockHeader.log2Pages(m, payload);
            int sizeClass = BlockHeader.sizeClass(m, payload);
            long bytes = spans(log2Pages, pageSize);
            boolean reached = reachable.get(heap.granule(start));
            if (BlockHeader.isWhollyZero(m, payload) && !reached) {
                // A header wiped whole: a crash between releasing a freed block (PUNCH_HOLE reads as
                // zeros) and rewriting its header. Every page of such a block reads as zeros, so
                // each is taken as a free one-page block.
                sizeClass = BlockHeader.LARGE_CLASS;
                log2Pages = 0;
                bytes = pageSize;
            }
            if (sizeClass != BlockHeader.LARGE_CLASS || bytes < 0 || start + bytes > heap.top()) {
                throw new CorruptedStoreException("entry heap: block at 0x" + Long.toHexString(start)
                        + " has no sound large-block header (class " + sizeClass + ", log2 pages " + log2Pages
                        + ") within " + heap.where());
            }
            byte kind = BlockHeader.kind(m, payload);
            if (kind == BlockHeader.SLAB) {
                if (bytes != SmallBlocks.SLAB_BYTES || reached) {
                    // Carving it would write free-block headers over whatever it really is.
                    throw new CorruptedStoreException("entry heap: block at 0x" + Long.toHexString(start)
                            + " says it is a slab, but it is " + bytes + " bytes (a slab is " + SmallBlocks.SLAB_BYTES
                            + ")" + (reached ? " and a segment reaches it as a block of its own" : "") + "; "
                            + heap.where());
                }
                if (!heap.small().rebuild(m, start, reachable)) {
                    heap.large().freeUnreached(start, bytes, log2Pages);
                }
            } else if (reached) {
                heap.large().countReached(bytes, kind);
            } else {
                heap.large().freeUnreached(start, bytes, log2Pages);
            }
            start += bytes;
        }
    }

    /**
     * Makes the free space of a full heap usable again, for a bounded store that must make room: gives
     * back every wholly free slab (the ones still being carved too), then merges each run of adjacent
     * free large blocks into as few power-of-two blocks as it can, and takes a run that ends at
     * {@code top} off the heap, so the space is one stretch below the bound again. A cold path: it
     * walks the whole heap. Crash-ordered for files: the headers of a merged run are written from its
     * end backwards, so a walk of the heap finds a sound header wherever it lands; a lowered top is
     * recorded after the bytes above it are marked possibly dirty.
     */
    static void defragment(EntryHeap heap) {
        heap.small().sweep(true);
        heap.large().forgetFree();
        MemorySegment m = heap.mem();
        long runStart = -1;
        long start = heap.heapStart();
        while (start < heap.top()) {
            long payload = start + BlockHeader.LARGE_PAYLOAD_OFFSET;
            int log2Pages = BlockHeader.log2Pages(m, payload);
            long bytes = spans(log2Pages, heap.pageSize());
            if (bytes < 0 || start + bytes > heap.top()) {
                throw new CorruptedStoreException("entry heap: block at 0x" + Long.toHexString(start)
                        + " says it spans 2^" + log2Pages + " pages, past the " + heap.where());
            }
            boolean free = BlockHeader.kind(m, payload) == BlockHeader.FREED;
            if (free && runStart < 0) {
                runStart = start;
            } else if (!free && runStart >= 0) {
                mergeFreeRun(heap, runStart, start);
                runStart = -1;
            }
            start += bytes;
        }
        if (runStart >= 0) {
            heap.mapping().lowerTop(runStart);
        }
    }

    /** Rewrites the free blocks in {@code [from, to)} as power-of-two blocks, largest first, and lists them. */
    private static void mergeFreeRun(EntryHeap heap, long from, long to) {
        long pageSize = heap.pageSize();
        long[] starts = new long[64];
        int[] log2s = new int[64];
        int n = 0;
        for (long at = from; at < to; n++) {
            int log2 = 63 - Long.numberOfLeadingZeros((to - at) / pageSize);
            starts[n] = at;
            log2s[n] = log2;
            at += pageSize << log2;
        }
        for (int i = n - 1; i >= 0; i--) {
            heap.large().listFree(starts[i], log2s[i]);
        }
    }

    /** @return the bytes a large block of 2^{@code log2Pages} pages spans, or -1 if that is no sound size */
    private static long spans(int log2Pages, long pageSize) {
        return log2Pages >= 0 && log2Pages <= BlockHeader.MAX_LOG2_PAGES ? pageSize << log2Pages : -1;
    }
}

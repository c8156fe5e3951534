package io.hmapstore.heap;

import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.TreeMap;

/**
 * The entry heap's large blocks: a power-of-two number of pages starting on a page (slabs, bucket
 * arrays, large entries), taken from a per-size free list or cut from {@code top}, the heap's
 * high-water mark, which {@link HeapMapping} raises, growing the mapping as it goes. A freed large
 * block goes to the release policy at once ({@link ReleaseAndReuse}) and onto its size's list.
 *
 * <p>Implementation notes. The free lists are kept on the Java heap, not in the freed blocks as the
 * small blocks' links are: releasing a block, for instance with {@code MADV_DONTNEED}, may wipe its
 * bytes. In a file, a released block's header is written again, as recovery walks the heap block by
 * block and must find its size. A block taken off a list, or cut from below {@code dirtyUntil}, is
 * zeroed unless the {@code ZERO_ON_REUSE} guard is off. When cutting from {@code top} would pass the
 * bound, the heap is defragmented ({@link HeapWalks#defragment} merges each free run into as few of
 * these blocks as it can and takes a run at {@code top} off the heap) and the allocation tried once
 * more.
 *
 * <p>Thread safety: none of its own. One {@link EntryHeap} owns it and calls it only from its
 * synchronized methods (the walks of {@link HeapWalks} run inside them too).
 */
final class LargeBlocks {
    private final EntryHeap heap;
    private final HeapMapping mapping;
    private final ReleaseAndReuse policy;
    private final long pageSize;
    /** The free blocks of 2^i pages, by block start, at index i; null until a block of that size is freed. */
    private final LongStack[] freeLists = new LongStack[64];
    /** Bytes of large blocks handed out and not freed (slabs not counted: their small blocks are). */
    private long bytesInUse;
    /** Of those, the bytes of bucket arrays (live or retired): the table's share of a bound. */
    private long arrayBytesInUse;
    private final TreeMap<Long, Long> bytesByPages = new TreeMap<>();

    LargeBlocks(EntryHeap heap, HeapMapping mapping, ReleaseAndReuse policy, long pageSize) {
        this.heap = heap;
        this.mapping = mapping;
        this.policy = policy;
        this.pageSize = pageSize;
    }

    /**
     * @param counted false for a slab, whose small blocks are counted instead
     * @return the payload of a block that holds {@code payloadBytes}, its size class and size written;
     *         the caller stamps its generation and kind
     */
    long allocate(long payloadBytes, boolean counted) {
        int log2Pages = SizeClasses.largeLog2Pages(payloadBytes);
        long bytes = pageSize << log2Pages;
        LongStack stack = stack(log2Pages);
        long start;
        if (!stack.isEmpty()) {
            start = stack.pop();
            if (policy.zeroOnReuse && !policy.policyZeroes) {
                // Around the header, not over it: a crash mid-fill must leave the block's size readable.
                long header = start + BlockHeader.LARGE_PAYLOAD_OFFSET - BlockHeader.SIZE;
                heap.mem().asSlice(start, header - start).fill((byte) 0);
                heap.mem().asSlice(header + BlockHeader.SIZE, bytes - BlockHeader.LARGE_PAYLOAD_OFFSET).fill((byte) 0);
            }
            policy.check(heap.mem(), start + BlockHeader.LARGE_PAYLOAD_OFFSET, bytes - BlockHeader.LARGE_PAYLOAD_OFFSET);
        } else {
            start = heap.top();
            try {
                mapping.ensureMapped(start + bytes);
            } catch (io.hmapstore.StoreFullException full) {
                // At the bound: gather the free space (merging freed blocks, lowering top) and try once more.
                heap.defragment();
                if (!stack(log2Pages).isEmpty()) {
                    return allocate(payloadBytes, counted);
                }
                start = heap.top();
                mapping.ensureMapped(start + bytes);
            }
            if (start < mapping.dirtyUntil()) {
                long dirty = Math.min(bytes, mapping.dirtyUntil() - start);
                if (policy.zeroOnReuse) {
                    heap.mem().asSlice(start, dirty).fill((byte) 0);
                }
                policy.check(heap.mem(), start + BlockHeader.LARGE_PAYLOAD_OFFSET, dirty - BlockHeader.LARGE_PAYLOAD_OFFSET);
            }
        }
        if (counted) {
            // A slab is not counted itself: the small blocks carved from it are.
            bytesInUse += bytes;
            bytesByPages.merge(bytes, bytes, Long::sum);
        }
        long payload = start + BlockHeader.LARGE_PAYLOAD_OFFSET;
        MemorySegment m = heap.mem();
        BlockHeader.setSizeClass(m, payload, BlockHeader.LARGE_CLASS);
        BlockHeader.setLog2Pages(m, payload, log2Pages);
        if (start + bytes > heap.top()) {
            // Recorded once the block's header says its size (a walk of the heap up to top must find
            // a header on every block) and before the block is used (so recovery never misses a
            // block that holds data); the fences keep the JIT from reordering those stores.
            java.lang.invoke.VarHandle.storeStoreFence();
            mapping.setTop(start + bytes);
            java.lang.invoke.VarHandle.storeStoreFence();
        }
        return payload;
    }

    /** Counts a bucket array of {@code bytes} just allocated. */
    void countArray(long bytes) {
        arrayBytesInUse += bytes;
    }

    /** Takes a freed block, its header already marked freed, off the books and gives it back. */
    void free(long start, int log2Pages, byte kind) {
        long bytes = pageSize << log2Pages;
        bytesInUse -= bytes;
        if (kind == BlockHeader.BUCKETS) {
            arrayBytesInUse -= bytes;
        }
        bytesByPages.merge(bytes, -bytes, Long::sum);
        giveBack(start, log2Pages);
    }

    /** Hands a slab whose blocks are all free to the release policy, as a free large block. */
    void releaseSlab(long slab) {
        MemorySegment m = heap.mem();
        int log2Pages = BlockHeader.log2Pages(m, slab);
        BlockHeader.setGeneration(m, slab, 0);
        BlockHeader.setKind(m, slab, BlockHeader.FREED);
        giveBack(slab - BlockHeader.LARGE_PAYLOAD_OFFSET, log2Pages);
    }

    /**
     * Releases a free large block with the policy and lists it for reuse. Recovery walks the heap block
     * by block, so in a file a released block must still say its size: its header is written again.
     */
    private void giveBack(long start, int log2Pages) {
        policy.release(start, pageSize << log2Pages);
        if (mapping.persisted()) {
            writeHeader(start, log2Pages, BlockHeader.FREED);
        }
        stack(log2Pages).push(start);
    }

    private void writeHeader(long start, int log2Pages, byte kind) {
        long payload = start + BlockHeader.LARGE_PAYLOAD_OFFSET;
        MemorySegment m = heap.mem();
        BlockHeader.setGeneration(m, payload, 0);
        BlockHeader.setKind(m, payload, kind);
        BlockHeader.setSizeClass(m, payload, BlockHeader.LARGE_CLASS);
        BlockHeader.setLog2Pages(m, payload, log2Pages);
    }

    /** For a rebuild: counts a large block a segment reaches. */
    void countReached(long bytes, byte kind) {
        bytesInUse += bytes;
        if (kind == BlockHeader.BUCKETS) {
            arrayBytesInUse += bytes;
        }
        bytesByPages.merge(bytes, bytes, Long::sum);
    }

    /** Frees a large block nothing reaches, on open: released (or zeroed), so it reads as zeros whatever a crash left. */
    void freeUnreached(long start, long bytes, int log2Pages) {
        policy.release(start, bytes);
        if (!policy.policyZeroes) {
            heap.mem().asSlice(start, bytes).fill((byte) 0);
        }
        listFree(start, log2Pages);
    }

    /** Writes a free large block's header and lists it for reuse. */
    void listFree(long start, int log2Pages) {
        writeHeader(start, log2Pages, BlockHeader.FREED);
        stack(log2Pages).push(start);
    }

    /** Forgets the free lists (a defragment lists the free blocks afresh as it walks the heap). */
    void forgetFree() {
        java.util.Arrays.fill(freeLists, null);
    }

    /** Forgets every block and count: the heap was reset, or is being rebuilt. */
    void forget() {
        bytesInUse = 0;
        arrayBytesInUse = 0;
        forgetFree();
        bytesByPages.clear();
    }

    /** @return whether a free block of 2^{@code log2Pages} pages is listed */
    boolean hasFree(int log2Pages) {
        LongStack s = freeLists[log2Pages];
        return s != null && !s.isEmpty();
    }

    long bytesInUse() {
        return bytesInUse;
    }

    long arrayBytesInUse() {
        return arrayBytesInUse;
    }

    /** Adds the bytes in use per block size (block size → bytes) to {@code out}. */
    void bytesBySize(Map<Long, Long> out) {
        bytesByPages.forEach((size, bytes) -> {
            if (bytes != 0) {
                out.put(size, bytes);
            }
        });
    }

    private LongStack stack(int log2Pages) {
        LongStack s = freeLists[log2Pages];
        if (s == null) {
            s = new LongStack();
            freeLists[log2Pages] = s;
        }
        return s;
    }
}

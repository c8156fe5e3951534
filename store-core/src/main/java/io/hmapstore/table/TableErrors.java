package io.hmapstore.table;

import io.hmapstore.CorruptedStoreException;
import io.hmapstore.heap.BlockHeader;
import io.hmapstore.heap.EntryHeap;
import io.hmapstore.memory.AddressMap;
import io.hmapstore.memory.MappedRegion;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.IntPredicate;

/**
 * The exceptions a {@link HashTable} throws on a damaged store, made in one place so that every
 * message names the segment, the bucket, the offset, what was expected and what was found, and the
 * mapping the offset falls in; each is also recorded as a {@code Corruption} JFR event, where the thread
 * that found it saw its segment stable ({@link #recordOnlyWhere}).
 */
final class TableErrors {
    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;

    private final MappedRegion region;
    private final EntryHeap heap;
    /** Whether the current thread sees segment {@code seg} stable, so that what it finds there is real damage. */
    private volatile IntPredicate stable = seg -> true;

    TableErrors(MappedRegion region, EntryHeap heap) {
        this.region = region;
        this.heap = heap;
    }

    /**
     * Records a corruption as an event only where {@code stable} holds for its segment: a lock-free
     * reader's view may be torn by a writer, and what it finds is real only once its stamp validates.
     */
    void recordOnlyWhere(IntPredicate stable) {
        this.stable = stable;
    }

    CorruptedStoreException chainTooLong(int seg, long index, long at, long limit) {
        return corrupt(seg, index, at, "a chain of at most " + limit + " overflow buckets (noverflow)",
                "a longer or cyclic chain");
    }

    String describe(MemorySegment m, long offset) {
        if (offset < heap.heapStart() + BlockHeader.SIZE || offset >= Math.min(heap.top(), m.byteSize())) {
            return "0x" + Long.toHexString(offset) + " (outside the heap)";
        }
        if ((offset & 7) != 0) {
            return "0x" + Long.toHexString(offset) + " (misaligned)";
        }
        return "0x" + Long.toHexString(offset) + " (block kind: "
                + BlockHeader.kindName(m.get(BYTE, offset + BlockHeader.KIND)) + ")";
    }

    CorruptedStoreException corrupt(int seg, long index, long offset, String expected, String found) {
        String mapping = AddressMap.find(region.address() + Math.max(0, offset)).map(Object::toString)
                .orElse("no mapping");
        String message = "corrupted store: segment " + seg + ", bucket " + (index < 0 ? "-" : Long.toString(index))
                + ", offset 0x" + Long.toHexString(offset) + ": expected " + expected + ", found " + found
                + "; mapping: " + mapping;
        if (TableEvents.CORRUPTION.isEnabled() && stable.test(seg)) {
            TableEvents.Corruption event = new TableEvents.Corruption();
            event.segment = seg;
            event.bucket = index;
            event.offset = offset;
            event.message = message;
            event.commit();
        }
        return new CorruptedStoreException(message);
    }
}

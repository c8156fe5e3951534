package io.hmapstore.store;

import io.hmapstore.StaleViewException;
import io.hmapstore.ValueView;
import io.hmapstore.heap.EntryHeap;
import io.hmapstore.table.HashTable;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A value read in place ({@code OffHeapMap.view}). It holds a generation stamp: the entry's block
 * generation for values in the entry heap, the segment's generation for inline values. Every use
 * enters the segment as a reader and compares the stamp with the current one, so a view used after its
 * entry was removed, replaced or moved throws {@link StaleViewException} (with the
 * {@code STALE_VIEW_CHECK} guard on) instead of reading another entry's bytes.
 */
final class SlotView implements ValueView {
    private final SegmentAccess access;
    private final HashTable table;
    private final EntryHeap heap;
    private final boolean staleCheck;
    private final int seg;
    private final long offset;
    private final long length;
    private final long entry;
    private final long stamp;

    private SlotView(SegmentAccess access, HashTable table, EntryHeap heap, boolean staleCheck, int seg, long offset,
            long length, long entry, long stamp) {
        this.access = access;
        this.table = table;
        this.heap = heap;
        this.staleCheck = staleCheck;
        this.seg = seg;
        this.offset = offset;
        this.length = length;
        this.entry = entry;
        this.stamp = stamp;
    }

    /**
     * {@code OffHeapMap.view(key)}: a view of the key's value, or null if it is absent or expired. The slot
     * is found and the view stamped inside the segment's read section.
     */
    static SlotView find(KeyValueCodecs.Key k, SegmentAccess access, HashTable table, EntryHeap heap,
            CacheBounds bounds, boolean staleCheck) {
        long stamp = access.enterRead(k.seg);
        try {
            long slot = k.find();
            if (slot < 0 || bounds.expired(slot)) {
                return null;
            }
            return of(access, table, heap, staleCheck, k.seg, slot);
        } finally {
            access.exitRead(k.seg, stamp);
        }
    }

    /**
     * A view of the value in {@code slot}; called inside the segment's read section.
     *
     * @return the view, stamped with the generation of what it points at
     */
    static SlotView of(SegmentAccess access, HashTable table, EntryHeap heap, boolean staleCheck, int seg,
            long slot) {
        long entry = table.slots.entryOf(seg, slot);
        long held = entry != 0 && !table.valueInline ? heap.generation(entry) : table.generation(seg);
        return new SlotView(access, table, heap, staleCheck, seg, table.slots.valueOffset(seg, slot),
                table.slots.valueLength(seg, slot), table.valueInline ? 0 : entry, held);
    }

    private long current() {
        return entry != 0 ? heap.generation(entry) : table.generation(seg);
    }

    private void check() {
        if (!staleCheck) {
            return;
        }
        long now = current();
        if (now != stamp) {
            if (StoreEvents.STALE_ACCESS.isEnabled()) {
                StoreEvents.StaleAccess event = new StoreEvents.StaleAccess();
                event.segment = seg;
                event.offset = offset;
                event.held = stamp;
                event.found = now;
                event.commit();
            }
            throw new StaleViewException("stale value view: segment " + seg + ", value at offset 0x"
                    + Long.toHexString(offset) + " (" + (entry != 0 ? "entry 0x" + Long.toHexString(entry)
                            : "inline slot") + "): stamp " + stamp + " held, " + now
                    + " found — the entry was removed, replaced or moved since the view was taken");
        }
    }

    @Override
    public long byteSize() {
        long s = access.enterRead(seg);
        try {
            check();
            return length;
        } finally {
            access.exitRead(seg, s);
        }
    }

    @Override
    public byte[] toArray() {
        long s = access.enterRead(seg);
        try {
            check();
            return heap.mem().asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
        } finally {
            access.exitRead(seg, s);
        }
    }

    @Override
    public long copyTo(MemorySegment target) {
        long s = access.enterRead(seg);
        try {
            check();
            MemorySegment.copy(heap.mem(), offset, target, 0, length);
            return length;
        } finally {
            access.exitRead(seg, s);
        }
    }

    @Override
    public boolean isValid() {
        long s = access.enterRead(seg);
        try {
            return current() == stamp;
        } finally {
            access.exitRead(seg, s);
        }
    }
}

package io.hmapstore.table;

import static io.hmapstore.table.BucketLayout.EMPTY_ONE;
import static io.hmapstore.table.BucketLayout.EMPTY_REST;
import static io.hmapstore.table.BucketLayout.SLOTS;
import static io.hmapstore.table.HashTable.mask;
import static io.hmapstore.table.HashTable.publish;

import io.hmapstore.heap.BlockHeader;
import io.hmapstore.heap.EntryHeap;
import io.hmapstore.heap.SizeClasses;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The writes of a {@link HashTable}: insert or update ({@link #put}) and delete ({@link #remove}),
 * with the bucket array made on a segment's first write. The caller holds the segment for writing.
 * Public for the store layer, which reaches it as {@code table.writes}.
 *
 * <p>Implementation notes. This mirrors Go's {@code runtime/map.go}: {@link #put} is
 * {@code mapassign} (evacuate what the write touches, walk the chain for the key while remembering the
 * first empty slot, grow and go round again past the load factor or with too many overflow buckets,
 * else take the empty slot or a new overflow bucket), {@link #remove} is {@code mapdelete} (write
 * {@code emptyOne}, then turn a trailing run of empties into {@code emptyRest} so lookups stop early),
 * and {@code makeIfNeeded} is {@code makemap} on demand. Entries are immutable once published: an
 * update writes a new entry and swings the slot to it. Every store a crash could tear is ordered by
 * {@link HashTable#publish}: a slot before its tophash, an entry before the offset that names it.
 *
 * <p>Both walks stay hand-written (the tophash word compared at once, the chain stepped with the
 * {@code noverflow} bound inline) and this class is final, reached through one final field of the
 * table, so the write path keeps one monomorphic call chain and allocates nothing.
 */
public final class TableWrites {
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final ValueLayout.OfLong SLOT_LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;
    /** An aligned 8-byte value, stored whole (opaque): what a lock-free reader reads is old or new, never half. */
    private static final VarHandle WHOLE_LONG = ValueLayout.JAVA_LONG.varHandle();

    private final HashTable table;
    private final EntryHeap heap;
    private final BucketLayout layout;
    private final CheckedReads checked;
    private final Growth growth;
    private final int keySize;
    private final int valueSize;
    private final boolean keyInline;
    private final boolean valueInline;
    private final boolean makeBeforeWrite;
    private final ChainPacking packing;
    /**
     * Whether a present key's value may be replaced in place ({@link #longValueInPlace}): 8-byte inline
     * keys and values, and no deadline beside them that a put would have to write too.
     */
    public final boolean replacesLongsInPlace;

    TableWrites(HashTable table) {
        this.table = table;
        this.heap = table.heap;
        this.layout = table.layout;
        this.checked = table.checked;
        this.growth = table.growth;
        this.keySize = table.keySize;
        this.valueSize = table.valueSize;
        this.keyInline = table.keyInline;
        this.valueInline = table.valueInline;
        this.makeBeforeWrite = table.makeBeforeWrite;
        this.packing = new ChainPacking(table, this);
        this.replacesLongsInPlace = keySize == Long.BYTES && valueSize == Long.BYTES && !layout.hasDeadlines;
    }

    /**
     * Finds the value of a present 8-byte key to replace in place, in a segment that is not growing, for
     * a caller that has kept the segment's lock holders out without taking the lock (the concurrent
     * store's in-place updates), or a single writer inside its write section: such a write changes
     * nothing else of the table, and lock-free readers see the old value or the new one
     * ({@link #setLongValue}, {@link #swapLongValue}).
     *
     * @return the value's region offset; -1 when the key is absent, its segment is growing, its chain is
     *     long (as {@link HashTable#findInlineLong} leaves them), the value is not 8-byte aligned in memory,
     *     or the table is not long to long: all of which the locked {@link #put} handles
     */
    public long longValueInPlace(int seg, long hash, long key) {
        if (!replacesLongsInPlace) {
            return -1;
        }
        MemorySegment m = heap.mem();
        long found = table.findInlineLongToUpdate(m, table.stamp(seg), hash, key);
        if (found < 0) {
            return -1;
        }
        long at = BucketLayout.valueOfLongKey(found);
        return ((m.address() + at) & (Long.BYTES - 1)) == 0 ? at : -1;
    }

    /** Stores a value {@link #longValueInPlace} found, whole. */
    public void setLongValue(long at, long value) {
        WHOLE_LONG.setOpaque(heap.mem(), at, value);
    }

    /** Stores a value {@link #longValueInPlace} found, whole; @return the value it replaced */
    public long swapLongValue(long at, long value) {
        return (long) WHOLE_LONG.getAndSet(heap.mem(), at, value);
    }

    /**
     * Inserts or updates. The caller holds the segment for writing.
     *
     * @param value the value's encoded bytes, or null when {@code valueBits} holds an 8-byte inline value
     * @return whether the key was already present
     */
    public boolean put(int seg, long hash, MemorySegment key, long keyOffset, long keyLength, long keyBits,
            MemorySegment value, long valueOffset, long valueLength, long valueBits, long deadline) {
        return put(seg, hash, key, keyOffset, keyLength, keyBits, value, valueOffset, valueLength, valueBits, null,
                deadline);
    }

    /**
     * Writes a value's encoded bytes straight into store memory (a slice of exactly the value's
     * length), so a codec encodes into the slot or entry with no intermediate copy.
     */
    @FunctionalInterface
    public interface ValueWriter {
        void write(MemorySegment target);
    }

    /**
     * {@link #put} whose value, when {@code writer} is not null, is encoded in place by it
     * ({@code valueLength} bytes) instead of copied from {@code value}.
     */
    public boolean put(int seg, long hash, MemorySegment key, long keyOffset, long keyLength, long keyBits,
            MemorySegment value, long valueOffset, long valueLength, long valueBits, ValueWriter writer,
            long deadline) {
        long h = table.header(seg);
        makeIfNeeded(seg, h);
        int top = BucketLayout.tophash(hash);
        // A pass either inserts, updates, or starts a grow and goes round once more (Go's "goto
        // again"); more passes than that mean another thread is writing unguarded.
        for (int pass = 0; ; pass++) {
            if (pass > 3) {
                throw checked.corrupt(seg, -1, h, "a growth that starts once", "a segment that keeps needing to grow"
                        + " (an unguarded concurrent writer?)");
            }
            MemorySegment m = heap.mem();
            int log2 = checked.log2Buckets(m, seg, h);
            if (SegmentHeader.oldBuckets(m, h) != 0) {
                growth.growWork(seg, h, hash & mask(log2));
                m = heap.mem();
            }
            long index = hash & mask(log2);
            long b = checked.buckets(m, seg, h, log2) + index * layout.size;
            long insertB = 0;
            int insertI = 0;
            int chainLimit = SegmentHeader.noverflow(m, h);
            long topBytes = BucketLayout.broadcast(top);
            for (int n = 0; ; n++) {
                // One load for all eight tophash bytes, as in find. Slots after an emptyRest are
                // emptyRest too, so neither a match nor the first empty slot can lie past one.
                long word = BucketLayout.tophashWord(m, b);
                for (long matches = BucketLayout.zeroBytes(word ^ topBytes); matches != 0; matches &= matches - 1) {
                    int i = Long.numberOfTrailingZeros(matches) >>> 3;
                    if (checked.keyEquals(m, seg, index, b, i, key, keyOffset, keyLength, keyBits)) {
                        updateValue(m, seg, index, b, i, value, valueOffset, valueLength, valueBits, writer);
                        if (layout.hasDeadlines) {
                            heap.mem().set(LONG, layout.deadlineAt(b, i), deadline);
                        }
                        return true;
                    }
                }
                long empties = BucketLayout.emptyBytes(word);
                if (empties != 0 && insertB == 0) {
                    insertB = b;
                    insertI = Long.numberOfTrailingZeros(empties) >>> 3;
                }
                if (BucketLayout.zeroBytes(word) != 0) {
                    break;
                }
                long next = checked.overflow(m, seg, index, b);
                if (next == 0) {
                    break;
                }
                if (n >= chainLimit) {
                    throw checked.chainTooLong(seg, index, next, chainLimit);
                }
                b = next;
            }
            long count = SegmentHeader.count(m, h);
            if (SegmentHeader.oldBuckets(m, h) == 0) {
                // A bounded table stops doubling at its planned size; past it, only a same-size grow
                // (too many overflow buckets) may run, and only if its array fits now.
                int newLog2 = Growth.overLoadFactor(count + 1, log2) && log2 < table.maxLog2 ? log2 + 1
                        : Growth.tooManyOverflowBuckets(SegmentHeader.noverflow(m, h), log2, log2 < table.maxLog2 ? 0 : count)
                                ? log2 : -1;
                if (newLog2 >= 0 && growth.hashGrow(seg, h, newLog2)) {
                    continue;
                }
            }
            if (insertB == 0) {
                insertB = growth.newOverflow(seg, h, b);
                insertI = 0;
                m = heap.mem();
            }
            writeNewSlot(m, insertB, insertI, key, keyOffset, keyLength, keyBits, value, valueOffset, valueLength,
                    valueBits, writer);
            m = heap.mem();
            clearSlotState(m, insertB, insertI);
            if (layout.hasDeadlines) {
                m.set(LONG, layout.deadlineAt(insertB, insertI), deadline);
            }
            publish();
            BucketLayout.setTophash(m, insertB, insertI, top);
            SegmentHeader.setCount(m, h, count + 1);
            return false;
        }
    }

    private void writeNewSlot(MemorySegment m, long b, int i, MemorySegment key, long keyOffset, long keyLength,
            long keyBits, MemorySegment value, long valueOffset, long valueLength, long valueBits, ValueWriter writer) {
        if (keyInline) {
            writeInline(m, layout.keyAt(b, i), keySize, key, keyOffset, keyBits, null);
            if (valueInline) {
                writeInline(m, layout.valueAt(b, i), valueSize, value, valueOffset, valueBits, writer);
            } else {
                long ref = newEntry(null, 0, 0, value, valueOffset, valueLength, writer);
                heap.mem().set(SLOT_LONG, layout.valueAt(b, i), ref);
            }
        } else {
            long ref = valueInline ? newEntry(key, keyOffset, keyLength, null, 0, 0, null)
                    : newEntry(key, keyOffset, keyLength, value, valueOffset, valueLength, writer);
            MemorySegment now = heap.mem();
            now.set(SLOT_LONG, layout.keyAt(b, i), ref);
            if (valueInline) {
                writeInline(now, layout.valueAt(b, i), valueSize, value, valueOffset, valueBits, writer);
            }
        }
    }

    private void updateValue(MemorySegment m, int seg, long index, long b, int i, MemorySegment value,
            long valueOffset, long valueLength, long valueBits, ValueWriter writer) {
        if (valueInline) {
            writeInline(m, layout.valueAt(b, i), valueSize, value, valueOffset, valueBits, writer);
            return;
        }
        // Entries are immutable once published: write a new one, swing the slot, free the old one.
        long slotOffset = keyInline ? layout.valueAt(b, i) : layout.keyAt(b, i);
        long old = checked.checkedEntry(m, seg, index, slotOffset);
        long ref;
        if (keyInline) {
            ref = newEntry(null, 0, 0, value, valueOffset, valueLength, writer);
        } else {
            long keyLength = Integer.toUnsignedLong(m.get(INT, old + EntryLayout.KEY_LENGTH));
            ref = newEntry(m, old + EntryLayout.DATA, keyLength, value, valueOffset, valueLength, writer);
        }
        publish();
        heap.mem().set(SLOT_LONG, slotOffset, ref);
        heap.retire(old);
    }

    private long newEntry(MemorySegment key, long keyOffset, long keyLength, MemorySegment value, long valueOffset,
            long valueLength, ValueWriter writer) {
        if (keyLength > EntryLayout.MAX_PART || valueLength > EntryLayout.MAX_PART) {
            throw new IllegalArgumentException("key or value too large: key " + keyLength + " bytes, value "
                    + valueLength + " bytes, limit " + EntryLayout.MAX_PART + " bytes each");
        }
        long payload = EntryLayout.DATA + keyLength + valueLength;
        if (table.bounded && SizeClasses.blockBytes(payload) > table.maxEntryBlock) {
            throw new IllegalArgumentException("key and value of " + keyLength + " + " + valueLength
                    + " bytes need a " + SizeClasses.blockBytes(payload) + "-byte block; this store's maxBytes bound"
                    + " takes entries of at most " + table.maxEntryBlock + " bytes (stats().budget())");
        }
        long ref = heap.allocate(payload, BlockHeader.ENTRY);
        // Allocating may grow the mapping: take the segment only now. A key copied from an old entry
        // is read through the caller's older segment, which maps the same bytes at the same address.
        MemorySegment m = heap.mem();
        m.set(INT, ref + EntryLayout.KEY_LENGTH, (int) keyLength);
        m.set(INT, ref + EntryLayout.VALUE_LENGTH, (int) valueLength);
        if (keyLength > 0) {
            MemorySegment.copy(key, keyOffset, m, ref + EntryLayout.DATA, keyLength);
        }
        if (writer != null) {
            try {
                writer.write(m.asSlice(ref + EntryLayout.DATA + keyLength, valueLength));
            } catch (RuntimeException | Error e) {
                // A codec that fails leaves nothing behind: the entry was never published.
                heap.free(ref);
                throw e;
            }
        } else if (valueLength > 0) {
            MemorySegment.copy(value, valueOffset, m, ref + EntryLayout.DATA + keyLength, valueLength);
        }
        return ref;
    }

    private static void writeInline(MemorySegment m, long at, int size, MemorySegment src, long srcOffset, long bits,
            ValueWriter writer) {
        if (writer != null) {
            writer.write(m.asSlice(at, size));
        } else if (src == null) {
            m.set(SLOT_LONG, at, bits);
        } else {
            MemorySegment.copy(src, srcOffset, m, at, size);
        }
    }

    private void clearSlotState(MemorySegment m, long b, int i) {
        if (layout.hasMeta) {
            m.set(BYTE, layout.metaAt(b, i), (byte) 0);
        }
        if (layout.hasDeadlines) {
            m.set(LONG, layout.deadlineAt(b, i), 0L);
        }
    }

    /** Removes a key. The caller holds the segment for writing. @return whether it was present */
    public boolean remove(int seg, long hash, MemorySegment key, long keyOffset, long keyLength, long keyBits) {
        return remove(seg, hash, key, keyOffset, keyLength, keyBits, false);
    }

    /** Removes the entry whose key hashes to {@code hash} (eviction, expiry). @return whether there was one */
    public boolean removeByHash(int seg, long hash) {
        return remove(seg, hash, null, 0, 0, 0, true);
    }

    private boolean remove(int seg, long hash, MemorySegment key, long keyOffset, long keyLength, long keyBits,
            boolean byHash) {
        long h = table.header(seg);
        MemorySegment m = heap.mem();
        int log2 = checked.log2Buckets(m, seg, h);
        if (checked.buckets(m, seg, h, log2) == 0) {
            return false;
        }
        if (SegmentHeader.oldBuckets(m, h) != 0) {
            growth.growWork(seg, h, hash & mask(log2));
            m = heap.mem();
        }
        long index = hash & mask(log2);
        long start = SegmentHeader.buckets(m, h) + index * layout.size;
        int top = BucketLayout.tophash(hash);
        int chainLimit = SegmentHeader.noverflow(m, h);
        long b = start;
        for (int n = 0; ; n++) {
            for (int i = 0; i < SLOTS; i++) {
                int t = BucketLayout.tophash(m, b, i);
                if (t != top) {
                    if (t == EMPTY_REST) {
                        return false;
                    }
                    continue;
                }
                if (!(byHash ? checked.hashAt(m, seg, index, b, i) == hash
                        : checked.keyEquals(m, seg, index, b, i, key, keyOffset, keyLength, keyBits))) {
                    continue;
                }
                long entry = (keyInline && valueInline) ? 0 : checked.entryOf(m, seg, b, i);
                // Only the tophash changes: the slot's bytes stay until an insert overwrites them, so a
                // lock-free reader that matched the old tophash still finds a sound offset (to a
                // retired, intact entry) and is sent round again by its validation, and a crash can
                // never leave a live tophash over a half-cleared slot.
                BucketLayout.setTophash(m, b, i, EMPTY_ONE);
                packing.afterDelete(m, seg, h, index, start, b, i);
                SegmentHeader.setCount(m, h, SegmentHeader.count(m, h) - 1);
                SegmentHeader.bumpGeneration(m, h);
                if (entry != 0) {
                    heap.retire(entry);
                }
                growth.maybeShrink(seg, h);
                return true;
            }
            b = checked.overflow(m, seg, index, b);
            if (b == 0) {
                return false;
            }
            if (n >= chainLimit) {
                throw checked.chainTooLong(seg, index, b, chainLimit);
            }
        }
    }

    /** If slot (b, i) now ends the chain's live slots, turn the trailing run of empties into emptyRest. */
    void markEmptyRest(MemorySegment m, int seg, long index, long start, long b, int i) {
        if (i == SLOTS - 1) {
            long next = checked.overflow(m, seg, index, b);
            if (next != 0 && BucketLayout.tophash(m, next, 0) != EMPTY_REST) {
                return;
            }
        } else if (BucketLayout.tophash(m, b, i + 1) != EMPTY_REST) {
            return;
        }
        while (true) {
            BucketLayout.setTophash(m, b, i, EMPTY_REST);
            if (i == 0) {
                if (b == start) {
                    return;
                }
                long prev = start;
                int chainLimit = SegmentHeader.noverflow(m, table.header(seg));
                for (int n = 0; checked.overflow(m, seg, index, prev) != b; n++) {
                    prev = checked.overflow(m, seg, index, prev);
                    if (prev == 0 || n > chainLimit) {
                        throw checked.chainTooLong(seg, index, b, chainLimit);
                    }
                }
                b = prev;
                i = SLOTS - 1;
            } else {
                i--;
            }
            if (BucketLayout.tophash(m, b, i) != EMPTY_ONE) {
                return;
            }
        }
    }

    /** Makes an unmade segment's bucket array before its first write (Go's {@code makemap} on demand). */
    private void makeIfNeeded(int seg, long h) {
        MemorySegment m = heap.mem();
        if (SegmentHeader.buckets(m, h) != 0) {
            return;
        }
        if (SegmentHeader.count(m, h) != 0) {
            throw new IllegalStateException("segment " + seg + " holds " + SegmentHeader.count(m, h)
                    + " entries but has no bucket array: a write into an unmade map");
        }
        if (!makeBeforeWrite) {
            // The hazard, on purpose: Go's "assignment to entry in nil map" without the panic.
            return;
        }
        int log2 = checked.log2Buckets(m, seg, h);
        long array = heap.allocate(layout.size << log2, BlockHeader.BUCKETS);
        SegmentHeader.setBuckets(heap.mem(), h, array);
    }
}

package io.hmapstore.table;

import static io.hmapstore.table.BucketLayout.EMPTY_ONE;
import static io.hmapstore.table.BucketLayout.EMPTY_REST;
import static io.hmapstore.table.BucketLayout.EVACUATED_EMPTY;
import static io.hmapstore.table.BucketLayout.EVACUATED_X;
import static io.hmapstore.table.BucketLayout.EVACUATED_Y;
import static io.hmapstore.table.BucketLayout.SLOTS;

import io.hmapstore.ConcurrentWriteException;
import io.hmapstore.CorruptedStoreException;
import io.hmapstore.VerifyReport.Problem;
import io.hmapstore.memory.AddressMap;
import io.hmapstore.memory.MappedRegion;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The hash table proper: {@code 2^s} segments, each one Go {@code hmap}, over encoded key and value
 * bytes. It knows layouts, not codecs or locks; {@link TableStore} decides who may call what.
 *
 * <p>Implementation notes. This mirrors Go's {@code runtime/map.go} (the pre-swiss-table map):
 * {@code mapaccess} is {@link #find}, {@code mapassign} is {@link #put}, {@code mapdelete} is
 * {@link #remove}, and growth is {@code hashGrow}/{@code growWork}/{@code evacuate}. A key's hash is
 * cut into parts that share no bits: the top byte is the tophash, the next {@code s} bits pick the
 * segment, the low {@code B} bits pick the bucket.
 *
 * <p>Growth generalises Go's in one respect: the old array may be larger than the new one, so the
 * same incremental machinery also shrinks a table. With {@code oldB} the old array's log2 size, a
 * lookup checks old bucket {@code hash & (2^oldB - 1)} and reads it while it is not evacuated, else
 * the new bucket {@code hash & (2^B - 1)}; a write first evacuates every old bucket that feeds the new
 * bucket it touches (one when doubling or growing at the same size, two when halving) plus the next
 * unevacuated one, so evacuation finishes within {@code 2^oldB} writes.
 *
 * <p>Iteration ({@link #collect}) walks each segment's hash space in bit-reversed order of the bucket
 * bits, so every bucket of any size is one contiguous interval of the walk. Each step takes the
 * interval of one current bucket, gathers its entries from wherever they live (an unevacuated old
 * bucket or the new one), and keeps those at or after the cursor. Entries present throughout are
 * therefore returned exactly once however the table resizes between steps, as Redis' SCAN cursor
 * manages, but without SCAN's duplicates on shrink.
 *
 * <p>Deletion writes {@link BucketLayout#EMPTY_ONE} and turns a trailing run of empties into
 * {@link BucketLayout#EMPTY_REST}, so lookups stop early (Go's {@code mapdelete}).
 */
final class HashTable {
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final ValueLayout.OfLong SLOT_LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;

    /** Go's loadFactorNum/loadFactorDen: grow past 6.5 entries per bucket on average. */
    static final long LOAD_NUM = 13;
    static final long LOAD_DEN = 2;
    /**
     * The largest {@code B} (and {@code oldB}) a segment header may hold: every range check of a
     * {@code B} read from memory uses it, through {@link #log2InRange}.
     */
    static final int MAX_LOG2_BUCKETS = 40;

    /** Returned by {@link #collect} when a segment's walk is complete. */
    static final long DONE = -1L;

    final EntryHeap heap;
    final BucketLayout layout;
    private final MappedRegion region;
    private final long headers;
    final int segmentBits;
    final int segments;
    private final long seed;
    final int keySize;
    final int valueSize;
    final boolean keyInline;
    final boolean valueInline;
    private final boolean checkOffsets;
    private final boolean makeBeforeWrite;
    final int initialLog2;
    /** The largest B a segment doubles to: {@link #MAX_LOG2_BUCKETS}, or a bounded store's plan. */
    private int maxLog2 = MAX_LOG2_BUCKETS;
    /** Whether a byte bound is planned: growth is given up, never forced, when its array does not fit. */
    private boolean bounded;
    /** The largest entry block a bounded store takes ({@link MemoryPlan}); unbounded: no limit. */
    private long maxEntryBlock = Long.MAX_VALUE;
    private final long pageMask = MappedRegion.pageSize() - 1;

    private final AtomicLong growths = new AtomicLong();
    private final AtomicLong sameSizeGrowths = new AtomicLong();
    private final AtomicLong shrinks = new AtomicLong();
    /** Old buckets evacuated. */
    private final SegmentCounters evacuations;

    HashTable(MappedRegion region, EntryHeap heap, long headers, int segmentBits, long seed, int keySize, int valueSize,
            int initialLog2, boolean checkOffsets, boolean makeBeforeWrite, boolean fresh, boolean meta,
            boolean deadlines) {
        this.region = region;
        this.heap = heap;
        this.headers = headers;
        this.segmentBits = segmentBits;
        this.segments = 1 << segmentBits;
        this.evacuations = new SegmentCounters(segments);
        this.seed = seed;
        this.keySize = keySize;
        this.valueSize = valueSize;
        this.keyInline = keySize > 0;
        this.valueInline = valueSize > 0;
        this.layout = BucketLayout.forSizes(keySize, valueSize, meta, deadlines);
        this.initialLog2 = initialLog2;
        this.checkOffsets = checkOffsets;
        this.makeBeforeWrite = makeBeforeWrite;
        if (fresh) {
            MemorySegment m = heap.mem();
            for (int s = 0; s < segments; s++) {
                SegmentHeader.setLog2Buckets(m, header(s), initialLog2);
            }
        }
    }

    /**
     * Plans this table inside a byte bound: segments double up to {@code maxLog2} and no further, a
     * growth whose array does not fit now is not started, and entries past {@code maxEntryBlock} bytes
     * are refused.
     */
    void planWithin(int maxLog2, long maxEntryBlock) {
        this.maxLog2 = maxLog2;
        this.maxEntryBlock = maxEntryBlock;
        this.bounded = true;
    }

    // ---------------------------------------------------------------- hashing and addressing

    long hashOf(MemorySegment key, long offset, long length) {
        return Hashing.ofBytes(key, offset, length, seed);
    }

    long hashOfLong(long key) {
        return Hashing.ofLong(key, seed);
    }

    int segmentOf(long hash) {
        return segmentBits == 0 ? 0 : (int) ((hash << 8) >>> (64 - segmentBits));
    }

    long header(int seg) {
        return headers + seg * SegmentHeader.SIZE;
    }

    // ---------------------------------------------------------------- seqlock stamp

    /**
     * Enters a segment as its only writer: the stamp goes from even to odd by CAS, so a second writer
     * that overlaps is always caught.
     */
    long beginWrite(int seg) {
        long stamp = tryBeginWrite(seg);
        if (stamp < 0) {
            throw new ConcurrentWriteException("concurrent map writes: segment " + seg
                    + " is being written by another thread (Concurrency.SINGLE_WRITER allows one writer at a time)");
        }
        return stamp;
    }

    /**
     * Makes the stamp odd by CAS if it is even: the segment is this thread's to write until
     * {@link #endWrite}. A volatile read-modify-write, so no data write of the section can be seen before
     * the odd stamp.
     *
     * @return the odd stamp, or -1 when another writer holds the segment
     */
    long tryBeginWrite(int seg) {
        MemorySegment m = heap.mem();
        long h = header(seg);
        long s = SegmentHeader.getStampVolatile(m, h);
        if ((s & 1) != 0 || !SegmentHeader.casStamp(m, h, s, s + 1)) {
            return -1;
        }
        return s + 1;
    }

    /** Makes the stamp even again; a release store, so every data write is seen before it. */
    void endWrite(int seg, long stamp) {
        SegmentHeader.setStampRelease(heap.mem(), header(seg), stamp + 1);
    }

    /**
     * Whether an optimistic read that started at {@code stamp} saw a stable segment: the acquire
     * fence keeps the read's loads before this load of the stamp (StampedLock's validate).
     */
    boolean validate(int seg, long stamp) {
        VarHandle.acquireFence();
        return SegmentHeader.getStampOpaque(heap.mem(), header(seg)) == stamp;
    }

    long readStamp(int seg) {
        return SegmentHeader.getStampAcquire(heap.mem(), header(seg));
    }

    long generation(int seg) {
        return SegmentHeader.generation(heap.mem(), header(seg));
    }

    long count(int seg) {
        return SegmentHeader.count(heap.mem(), header(seg));
    }

    // ---------------------------------------------------------------- lookup (mapaccess)

    /**
     * Finds a key.
     *
     * @param key the key's encoded bytes, or null when {@code keyBits} holds an 8-byte inline key
     * @return the slot as {@code bucketOffset | slotIndex}, or -1 when absent
     */
    long find(int seg, long hash, MemorySegment key, long keyOffset, long keyLength, long keyBits) {
        return find(seg, hash, key, keyOffset, keyLength, keyBits, false);
    }

    /** {@link #findInlineLong}'s answer when the lookup needs {@link #find}. */
    static final long SLOW = -2;

    /**
     * {@link #find} for an 8-byte inline key, small enough for the JIT to inline into {@code getLong}:
     * it searches the first bucket of a segment that is not growing and leaves anything else (a growth
     * under way, an overflow chain, an unmade segment) to {@link #find}. Fewer instructions per lookup
     * let the CPU overlap more lookups' cache misses. It never throws: a bucket array that does not lie
     * inside {@code m} (corrupt, or torn under a lock-free reader) is also left to {@link #find}.
     *
     * @param m the region as the caller read it
     * @return the slot as {@code bucketOffset | slotIndex}, -1 when absent, or {@link #SLOW}
     */
    long findInlineLong(MemorySegment m, int seg, long hash, long key) {
        long h = header(seg);
        long buckets = SegmentHeader.buckets(m, h);
        int log2 = SegmentHeader.log2Buckets(m, h);
        if (SegmentHeader.oldBuckets(m, h) != 0 || !log2InRange(log2) || !arrayOk(m, buckets, log2)) {
            return SLOW;
        }
        long b = buckets + (hash & mask(log2)) * layout.size;
        long word = m.get(LONG, b + BucketLayout.TOPHASH);
        for (long matches = zeroBytes(word ^ BucketLayout.tophash(hash) * BYTES_01); matches != 0;
                matches &= matches - 1) {
            int i = Long.numberOfTrailingZeros(matches) >>> 3;
            if (m.get(SLOT_LONG, layout.keyAt(b, i)) == key) {
                return b | i;
            }
        }
        return zeroBytes(word) != 0 ? -1 : SLOW;
    }

    /**
     * Finds the entry whose key hashes to {@code hash}, for the eviction queues, which remember keys
     * only by their 64-bit hash.
     *
     * @return the slot, or -1
     */
    long findByHash(int seg, long hash) {
        return find(seg, hash, null, 0, 0, 0, true);
    }

    private long find(int seg, long hash, MemorySegment key, long keyOffset, long keyLength, long keyBits,
            boolean byHash) {
        MemorySegment m = heap.mem();
        long h = header(seg);
        int log2 = log2Buckets(m, seg, h);
        long buckets = buckets(m, seg, h, log2);
        if (buckets == 0) {
            return -1;
        }
        long index = hash & mask(log2);
        long b = buckets + index * layout.size;
        long old = SegmentHeader.oldBuckets(m, h);
        if (old != 0) {
            int oldLog2 = SegmentHeader.oldLog2Buckets(m, h);
            old = oldBuckets(m, seg, h, oldLog2);
            // A lock-free reader may find arrays a writer allocated after this reader took its view
            // of the mapping: look again, so it reads them through a view that covers them.
            m = heap.mem();
            long oldIndex = hash & mask(oldLog2);
            long ob = old + oldIndex * layout.size;
            if (!BucketLayout.isEvacuated(tophash(m, ob, 0))) {
                b = ob;
                index = oldIndex;
            }
        }
        m = heap.mem();
        long topBytes = BucketLayout.tophash(hash) * BYTES_01;
        int chainLimit = SegmentHeader.noverflow(m, h);
        for (int n = 0; ; n++) {
            // All eight tophash bytes in one load, compared at once (SWAR, as Swiss tables do): a
            // lookup runs a fraction of the instructions, so the CPU keeps several lookups' cache
            // misses in flight instead of one.
            long word = m.get(LONG, b + BucketLayout.TOPHASH);
            for (long matches = zeroBytes(word ^ topBytes); matches != 0; matches &= matches - 1) {
                int i = Long.numberOfTrailingZeros(matches) >>> 3;
                if (byHash ? hashAt(m, seg, index, b, i) == hash
                        : keyEquals(m, seg, index, b, i, key, keyOffset, keyLength, keyBits)) {
                    return b | i;
                }
            }
            if (zeroBytes(word) != 0) {
                // An emptyRest: no live slot follows it in this chain.
                return -1;
            }
            b = overflow(m, seg, index, b);
            if (b == 0) {
                return -1;
            }
            if (n >= chainLimit) {
                throw chainTooLong(seg, index, b, chainLimit);
            }
        }
    }

    // ---------------------------------------------------------------- slot access

    static long bucketOf(long slot) {
        return slot & ~7L;
    }

    static int indexOf(long slot) {
        return (int) (slot & 7);
    }

    /** @return the region offset of the slot's encoded value */
    long valueOffset(int seg, long slot) {
        MemorySegment m = heap.mem();
        long b = bucketOf(slot);
        int i = indexOf(slot);
        if (valueInline) {
            return layout.valueAt(b, i);
        }
        long ref = entryOf(m, seg, b, i);
        return ref + EntryLayout.DATA + Integer.toUnsignedLong(m.get(INT, ref + EntryLayout.KEY_LENGTH));
    }

    long valueLength(int seg, long slot) {
        if (valueInline) {
            return valueSize;
        }
        MemorySegment m = heap.mem();
        long ref = entryOf(m, seg, bucketOf(slot), indexOf(slot));
        return Integer.toUnsignedLong(m.get(INT, ref + EntryLayout.VALUE_LENGTH));
    }

    /**
     * Copies the value of {@code slot}, found by {@link #findInlineLong}, into {@code out}, checking
     * every offset and length against {@code m} whatever OFFSET_CHECK says, and throwing nothing: a
     * value reference that fails its check, or a value longer than {@code out}, is left to the general
     * read (which tells which it was).
     *
     * @return the value's length, or {@link #SLOW}
     */
    long copyValue(MemorySegment m, long slot, MemorySegment out) {
        long from;
        long length;
        if (valueInline) {
            from = inlineValueAt(slot);
            length = valueSize;
        } else {
            long b = bucketOf(slot);
            int i = indexOf(slot);
            long ref = m.get(SLOT_LONG, keyInline ? layout.valueAt(b, i) : layout.keyAt(b, i));
            if (!heap.isBlock(m, ref, BlockHeader.ENTRY)) {
                return SLOW;
            }
            long keyLength = Integer.toUnsignedLong(m.get(INT, ref + EntryLayout.KEY_LENGTH));
            length = Integer.toUnsignedLong(m.get(INT, ref + EntryLayout.VALUE_LENGTH));
            if (EntryLayout.DATA + keyLength + length > heap.capacity(ref)) {
                return SLOW;
            }
            from = ref + EntryLayout.DATA + keyLength;
        }
        if (length > out.byteSize() || from + length > m.byteSize()) {
            return SLOW;
        }
        MemorySegment.copy(m, from, out, 0, length);
        return length;
    }

    /** @return the region offset of an inline value's slot */
    long inlineValueAt(long slot) {
        return layout.valueAt(bucketOf(slot), indexOf(slot));
    }

    long keyOffset(int seg, long slot) {
        if (keyInline) {
            return layout.keyAt(bucketOf(slot), indexOf(slot));
        }
        return entryOf(heap.mem(), seg, bucketOf(slot), indexOf(slot)) + EntryLayout.DATA;
    }

    long keyLength(int seg, long slot) {
        if (keyInline) {
            return keySize;
        }
        MemorySegment m = heap.mem();
        long ref = entryOf(m, seg, bucketOf(slot), indexOf(slot));
        return Integer.toUnsignedLong(m.get(INT, ref + EntryLayout.KEY_LENGTH));
    }

    /** @return the entry the slot refers to, or 0 when both key and value are inline */
    long entryOf(int seg, long slot) {
        if (keyInline && valueInline) {
            return 0;
        }
        return entryOf(heap.mem(), seg, bucketOf(slot), indexOf(slot));
    }

    // ---------------------------------------------------------------- insert (mapassign)

    /**
     * Inserts or updates. The caller holds the segment for writing.
     *
     * @param value the value's encoded bytes, or null when {@code valueBits} holds an 8-byte inline value
     * @return whether the key was already present
     */
    boolean put(int seg, long hash, MemorySegment key, long keyOffset, long keyLength, long keyBits,
            MemorySegment value, long valueOffset, long valueLength, long valueBits, long deadline) {
        return put(seg, hash, key, keyOffset, keyLength, keyBits, value, valueOffset, valueLength, valueBits, null,
                deadline);
    }

    /**
     * Writes a value's encoded bytes straight into store memory (a slice of exactly the value's
     * length), so a codec encodes into the slot or entry with no intermediate copy.
     */
    @FunctionalInterface
    interface ValueWriter {
        void write(MemorySegment target);
    }

    /**
     * {@link #put} whose value, when {@code writer} is not null, is encoded in place by it
     * ({@code valueLength} bytes) instead of copied from {@code value}.
     */
    boolean put(int seg, long hash, MemorySegment key, long keyOffset, long keyLength, long keyBits,
            MemorySegment value, long valueOffset, long valueLength, long valueBits, ValueWriter writer,
            long deadline) {
        long h = header(seg);
        makeIfNeeded(seg, h);
        int top = BucketLayout.tophash(hash);
        // A pass either inserts, updates, or starts a grow and goes round once more (Go's "goto
        // again"); more passes than that mean another thread is writing unguarded.
        for (int pass = 0; ; pass++) {
            if (pass > 3) {
                throw corrupt(seg, -1, h, "a growth that starts once", "a segment that keeps needing to grow"
                        + " (an unguarded concurrent writer?)");
            }
            MemorySegment m = heap.mem();
            int log2 = log2Buckets(m, seg, h);
            if (SegmentHeader.oldBuckets(m, h) != 0) {
                growWork(seg, h, hash & mask(log2));
                m = heap.mem();
            }
            long index = hash & mask(log2);
            long b = buckets(m, seg, h, log2) + index * layout.size;
            long insertB = 0;
            int insertI = 0;
            int chainLimit = SegmentHeader.noverflow(m, h);
            long topBytes = top * BYTES_01;
            for (int n = 0; ; n++) {
                // One load for all eight tophash bytes, as in find. Slots after an emptyRest are
                // emptyRest too, so neither a match nor the first empty slot can lie past one.
                long word = m.get(LONG, b + BucketLayout.TOPHASH);
                for (long matches = zeroBytes(word ^ topBytes); matches != 0; matches &= matches - 1) {
                    int i = Long.numberOfTrailingZeros(matches) >>> 3;
                    if (keyEquals(m, seg, index, b, i, key, keyOffset, keyLength, keyBits)) {
                        updateValue(m, seg, index, b, i, value, valueOffset, valueLength, valueBits, writer);
                        if (layout.hasDeadlines) {
                            heap.mem().set(LONG, layout.deadlineAt(b, i), deadline);
                        }
                        return true;
                    }
                }
                long empties = emptyBytes(word);
                if (empties != 0 && insertB == 0) {
                    insertB = b;
                    insertI = Long.numberOfTrailingZeros(empties) >>> 3;
                }
                if (zeroBytes(word) != 0) {
                    break;
                }
                long next = overflow(m, seg, index, b);
                if (next == 0) {
                    break;
                }
                if (n >= chainLimit) {
                    throw chainTooLong(seg, index, next, chainLimit);
                }
                b = next;
            }
            long count = SegmentHeader.count(m, h);
            if (SegmentHeader.oldBuckets(m, h) == 0) {
                // A bounded table stops doubling at its planned size; past it, only a same-size grow
                // (too many overflow buckets) may run, and only if its array fits now.
                int newLog2 = overLoadFactor(count + 1, log2) && log2 < maxLog2 ? log2 + 1
                        : tooManyOverflowBuckets(SegmentHeader.noverflow(m, h), log2, log2 < maxLog2 ? 0 : count)
                                ? log2 : -1;
                if (newLog2 >= 0 && hashGrow(seg, h, newLog2)) {
                    continue;
                }
            }
            if (insertB == 0) {
                insertB = newOverflow(seg, h, b);
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
            tophash(m, insertB, insertI, top);
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
        long old = checkedEntry(m, seg, index, slotOffset);
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
        if (bounded && EntryHeap.blockBytes(payload) > maxEntryBlock) {
            throw new IllegalArgumentException("key and value of " + keyLength + " + " + valueLength
                    + " bytes need a " + EntryHeap.blockBytes(payload) + "-byte block; this store's maxBytes bound"
                    + " takes entries of at most " + maxEntryBlock + " bytes (stats().budget())");
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

    /**
     * Orders the stores before it ahead of the store after it. The crash-ordering rules (a slot before
     * its tophash, an entry before the offset that names it, a grow's header stores one after the
     * other) rest on this: plain stores may be reordered by the JIT, and a SIGKILL freezes whatever
     * order reached memory. Free on x86 (TSO) but for the compiler barrier.
     */
    private static void publish() {
        VarHandle.storeStoreFence();
    }

    private static final long BYTES_01 = 0x0101_0101_0101_0101L;
    private static final long BYTES_7F = 0x7F7F_7F7F_7F7F_7F7FL;

    /**
     * 0x80 in every byte of {@code x} that is zero, 0 elsewhere; exact (no false positive from a
     * borrow, unlike the shorter {@code (x - 0x01..) & ~x & 0x80..}). Byte {@code i} of a bucket's
     * tophash word is slot {@code i}: the word is read little-endian, as the machine stores it.
     */
    static long zeroBytes(long x) {
        return ~(((x & BYTES_7F) + BYTES_7F) | x | BYTES_7F);
    }

    /** 0x80 in every byte of {@code x} that is an empty tophash ({@code EMPTY_REST} or {@code EMPTY_ONE}), 0 elsewhere. */
    static long emptyBytes(long x) {
        return zeroBytes(x & ~BYTES_01);
    }

    /** Copies a slot whole: key, value, and the eviction and expiry state that travel with them. */
    private void copySlot(MemorySegment m, long b, int i, long db, int di) {
        copyBytes(m, layout.keyAt(b, i), layout.keyAt(db, di), layout.keySlot);
        copyBytes(m, layout.valueAt(b, i), layout.valueAt(db, di), layout.valueSlot);
        if (layout.hasMeta) {
            m.set(BYTE, layout.metaAt(db, di), m.get(BYTE, layout.metaAt(b, i)));
        }
        if (layout.hasDeadlines) {
            m.set(LONG, layout.deadlineAt(db, di), m.get(LONG, layout.deadlineAt(b, i)));
        }
    }

    /**
     * {@code MemorySegment.copy} within the region, but an 8-byte slot (a long key or value, or an
     * entry offset) as one load and store: growth copies two slots per entry, and the bulk copy's call
     * into the array-copy stub cost more than the move itself.
     */
    private static void copyBytes(MemorySegment m, long from, long to, long length) {
        if (length == Long.BYTES) {
            m.set(SLOT_LONG, to, m.get(SLOT_LONG, from));
        } else if (length > 0) {
            MemorySegment.copy(m, from, m, to, length);
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

    // ---------------------------------------------------------------- eviction and expiry state

    /** @return whether the slot's deadline has passed at {@code now} (epoch millis) */
    boolean expired(long slot, long now) {
        if (!layout.hasDeadlines) {
            return false;
        }
        long deadline = heap.mem().get(LONG, layout.deadlineAt(bucketOf(slot), indexOf(slot)));
        return deadline != 0 && deadline <= now;
    }

    /** @return the slot's access frequency, 0 to {@link BucketLayout#MAX_FREQUENCY} */
    int frequency(long slot) {
        return heap.mem().get(BYTE, layout.metaAt(bucketOf(slot), indexOf(slot))) & BucketLayout.MAX_FREQUENCY;
    }

    void frequency(long slot, int value) {
        heap.mem().set(BYTE, layout.metaAt(bucketOf(slot), indexOf(slot)), (byte) value);
    }

    /**
     * Counts an access, as S3-FIFO does. Lock-free readers call this too: a plain byte store into a
     * bucket they may be racing a writer on, so an increment can be lost, which only makes the
     * frequency an estimate, as it is anyway.
     */
    void touch(long slot) {
        MemorySegment m = heap.mem();
        long at = layout.metaAt(bucketOf(slot), indexOf(slot));
        int f = m.get(BYTE, at) & BucketLayout.MAX_FREQUENCY;
        if (f < BucketLayout.MAX_FREQUENCY) {
            m.set(BYTE, at, (byte) (f + 1));
        }
    }

    /** {@link #sweepExpired}'s answer when a removal started a shrink and the sweep stopped. */
    static final long SWEEP_INTERRUPTED = -1;

    /**
     * Removes the expired entries of up to {@code count} buckets of the current array, starting at
     * {@code from}; the caller holds the segment for writing.
     *
     * @param sink receives the hash of each removed entry
     * @return where the next sweep starts, or {@link #SWEEP_INTERRUPTED}
     */
    long sweepExpired(int seg, long from, int count, long now, java.util.function.LongConsumer sink) {
        MemorySegment m = heap.mem();
        long h = header(seg);
        if (!layout.hasDeadlines || SegmentHeader.buckets(m, h) == 0) {
            return 0;
        }
        int log2 = log2Buckets(m, seg, h);
        long buckets = buckets(m, seg, h, log2);
        long index = from & mask(log2);
        for (int c = 0; c < count; c++, index = (index + 1) & mask(log2)) {
            int chainLimit = SegmentHeader.noverflow(m, h);
            for (long b = buckets + index * layout.size, n = 0; b != 0;
                    b = nextInChain(m, seg, index, b, n++, chainLimit)) {
                for (int i = 0; i < SLOTS; i++) {
                    if (tophash(m, b, i) < BucketLayout.MIN_TOPHASH) {
                        continue;
                    }
                    long deadline = m.get(LONG, layout.deadlineAt(b, i));
                    if (deadline == 0 || deadline > now) {
                        continue;
                    }
                    // Removing a slot leaves the chain's buckets where they are, so the walk goes on,
                    // unless the removal started a shrink: then the next sweep starts afresh.
                    long hash = hashAt(m, seg, index, b, i);
                    if (removeByHash(seg, hash)) {
                        sink.accept(hash);
                    }
                    m = heap.mem();
                    if (SegmentHeader.buckets(m, h) != buckets) {
                        return SWEEP_INTERRUPTED;
                    }
                }
            }
        }
        return index;
    }

    /** @return the hash of the key in {@code slot} */
    long hashOf(int seg, long slot) {
        return hashAt(heap.mem(), seg, -1, bucketOf(slot), indexOf(slot));
    }

    // ---------------------------------------------------------------- delete (mapdelete)

    /** Removes a key. The caller holds the segment for writing. @return whether it was present */
    boolean remove(int seg, long hash, MemorySegment key, long keyOffset, long keyLength, long keyBits) {
        return remove(seg, hash, key, keyOffset, keyLength, keyBits, false);
    }

    /** Removes the entry whose key hashes to {@code hash} (eviction, expiry). @return whether there was one */
    boolean removeByHash(int seg, long hash) {
        return remove(seg, hash, null, 0, 0, 0, true);
    }

    private boolean remove(int seg, long hash, MemorySegment key, long keyOffset, long keyLength, long keyBits,
            boolean byHash) {
        long h = header(seg);
        MemorySegment m = heap.mem();
        int log2 = log2Buckets(m, seg, h);
        if (buckets(m, seg, h, log2) == 0) {
            return false;
        }
        if (SegmentHeader.oldBuckets(m, h) != 0) {
            growWork(seg, h, hash & mask(log2));
            m = heap.mem();
        }
        long index = hash & mask(log2);
        long start = SegmentHeader.buckets(m, h) + index * layout.size;
        int top = BucketLayout.tophash(hash);
        int chainLimit = SegmentHeader.noverflow(m, h);
        long b = start;
        for (int n = 0; ; n++) {
            for (int i = 0; i < SLOTS; i++) {
                int t = tophash(m, b, i);
                if (t != top) {
                    if (t == EMPTY_REST) {
                        return false;
                    }
                    continue;
                }
                if (!(byHash ? hashAt(m, seg, index, b, i) == hash
                        : keyEquals(m, seg, index, b, i, key, keyOffset, keyLength, keyBits))) {
                    continue;
                }
                long entry = (keyInline && valueInline) ? 0 : entryOf(m, seg, b, i);
                // Only the tophash changes: the slot's bytes stay until an insert overwrites them, so a
                // lock-free reader that matched the old tophash still finds a sound offset (to a
                // retired, intact entry) and is sent round again by its validation, and a crash can
                // never leave a live tophash over a half-cleared slot.
                tophash(m, b, i, EMPTY_ONE);
                markEmptyRest(m, seg, index, start, b, i);
                SegmentHeader.setCount(m, h, SegmentHeader.count(m, h) - 1);
                SegmentHeader.bumpGeneration(m, h);
                if (entry != 0) {
                    heap.retire(entry);
                }
                maybeShrink(seg, h);
                return true;
            }
            b = overflow(m, seg, index, b);
            if (b == 0) {
                return false;
            }
            if (n >= chainLimit) {
                throw chainTooLong(seg, index, b, chainLimit);
            }
        }
    }

    /** If slot (b, i) now ends the chain's live slots, turn the trailing run of empties into emptyRest. */
    private void markEmptyRest(MemorySegment m, int seg, long index, long start, long b, int i) {
        if (i == SLOTS - 1) {
            long next = overflow(m, seg, index, b);
            if (next != 0 && tophash(m, next, 0) != EMPTY_REST) {
                return;
            }
        } else if (tophash(m, b, i + 1) != EMPTY_REST) {
            return;
        }
        while (true) {
            tophash(m, b, i, EMPTY_REST);
            if (i == 0) {
                if (b == start) {
                    return;
                }
                long prev = start;
                int chainLimit = SegmentHeader.noverflow(m, header(seg));
                for (int n = 0; overflow(m, seg, index, prev) != b; n++) {
                    prev = overflow(m, seg, index, prev);
                    if (prev == 0 || n > chainLimit) {
                        throw chainTooLong(seg, index, b, chainLimit);
                    }
                }
                b = prev;
                i = SLOTS - 1;
            } else {
                i--;
            }
            if (tophash(m, b, i) != EMPTY_ONE) {
                return;
            }
        }
    }

    // ---------------------------------------------------------------- growth (hashGrow, growWork, evacuate)

    private static boolean overLoadFactor(long count, int log2) {
        return count > SLOTS && count > LOAD_NUM * ((1L << log2) / LOAD_DEN);
    }

    /**
     * Go's test: about as many overflow buckets as regular ones. Go caps B at 15 here only because its
     * {@code noverflow} is a uint16 that, past B = 15, counts one overflow bucket in 2^(B-15); ours
     * counts exactly, so the threshold is 2^B at every size. (Capping it as Go's code reads made large
     * segments grow at the same size again and again while merely filling up: five rehashes of a
     * million-bucket array for 3.5M inserts.) A bounded table at its largest size holds more than 6.5
     * entries a bucket, which need overflow buckets of their own: {@code count / 8} more are allowed
     * there ({@code count} is 0 below that size), or it would grow at the same size without end.
     */
    private static boolean tooManyOverflowBuckets(long noverflow, int log2, long count) {
        return noverflow >= (1L << log2) + count / SLOTS;
    }

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
        int log2 = log2Buckets(m, seg, h);
        long array = heap.allocate(layout.size << log2, BlockHeader.BUCKETS);
        SegmentHeader.setBuckets(heap.mem(), h, array);
    }

    /** @return false, changing nothing, when a bounded table's new array does not fit now */
    private boolean hashGrow(int seg, long h, int newLog2) {
        MemorySegment m = heap.mem();
        int log2 = SegmentHeader.log2Buckets(m, h);
        long array = bounded ? heap.tryAllocateArray(layout.size << newLog2)
                : heap.allocate(layout.size << newLog2, BlockHeader.BUCKETS);
        if (array == 0) {
            return false;
        }
        m = heap.mem();
        // Crash-ordered: while oldbuckets == buckets (a crash between these stores), recovery rolls
        // the grow back to oldB; once buckets names the new array, the grow is complete and
        // recovery finishes the evacuation.
        SegmentHeader.setOldLog2Buckets(m, h, log2);
        SegmentHeader.setNevacuate(m, h, 0);
        publish();
        SegmentHeader.setOldBuckets(m, h, SegmentHeader.buckets(m, h));
        publish();
        SegmentHeader.setLog2Buckets(m, h, newLog2);
        publish();
        SegmentHeader.setBuckets(m, h, array);
        if (StoreEvents.GROW.isEnabled()) {
            StoreEvents.Grow event = new StoreEvents.Grow();
            event.segment = seg;
            event.oldLog2Buckets = log2;
            event.newLog2Buckets = newLog2;
            event.entries = SegmentHeader.count(m, h);
            event.overflowBuckets = SegmentHeader.noverflow(m, h);
            event.commit();
        }
        if (newLog2 > log2) {
            growths.incrementAndGet();
        } else if (newLog2 == log2) {
            sameSizeGrowths.incrementAndGet();
        } else {
            shrinks.incrementAndGet();
        }
        SegmentHeader.bumpGeneration(m, h);
        return true;
    }

    private void maybeShrink(int seg, long h) {
        MemorySegment m = heap.mem();
        int log2 = SegmentHeader.log2Buckets(m, h);
        if (log2 <= initialLog2 || SegmentHeader.oldBuckets(m, h) != 0) {
            return;
        }
        // Below a quarter of the grow threshold: after halving the load stays under half of it.
        if (SegmentHeader.count(m, h) * LOAD_DEN * 4 < LOAD_NUM * (1L << log2)) {
            hashGrow(seg, h, log2 - 1);
        }
    }

    private void growWork(int seg, long h, long newIndex) {
        MemorySegment m = heap.mem();
        int log2 = SegmentHeader.log2Buckets(m, h);
        int oldLog2 = SegmentHeader.oldLog2Buckets(m, h);
        if (oldLog2 <= log2) {
            evacuate(seg, h, newIndex & mask(oldLog2));
        } else {
            evacuate(seg, h, newIndex);
            evacuate(seg, h, newIndex + (1L << log2));
        }
        m = heap.mem();
        if (SegmentHeader.oldBuckets(m, h) != 0) {
            evacuate(seg, h, SegmentHeader.nevacuate(m, h));
        }
    }

    /** Moves every entry of old bucket {@code oldIndex} (and its chain) into the new array. */
    private void evacuate(int seg, long h, long oldIndex) {
        MemorySegment m = heap.mem();
        int log2 = SegmentHeader.log2Buckets(m, h);
        int oldLog2 = SegmentHeader.oldLog2Buckets(m, h);
        long old = oldBuckets(m, seg, h, oldLog2);
        long buckets = buckets(m, seg, h, log2);
        long ob = old + oldIndex * layout.size;
        if (!BucketLayout.isEvacuated(tophash(m, ob, 0))) {
            boolean doubling = oldLog2 < log2;
            long xIndex = oldIndex & mask(log2);
            long yIndex = xIndex + (1L << oldLog2);
            long xb = chainLast(m, seg, xIndex, buckets + xIndex * layout.size);
            int xi = firstFree(m, xb);
            long yb = 0;
            int yi = 0;
            int chainLimit = SegmentHeader.noverflow(m, h);
            long b = ob;
            for (int n = 0; b != 0; n++) {
                for (int i = 0; i < SLOTS; i++) {
                    int t = tophash(m, b, i);
                    if (BucketLayout.isEmpty(t)) {
                        tophash(m, b, i, EVACUATED_EMPTY);
                        continue;
                    }
                    if (BucketLayout.isEvacuated(t)) {
                        throw corrupt(seg, oldIndex, b + i, "a tophash of a live or empty slot",
                                "evacuation mark " + t + " inside an unevacuated bucket");
                    }
                    boolean useY = doubling && (hashAt(m, seg, oldIndex, b, i) & (1L << oldLog2)) != 0;
                    long db;
                    int di;
                    if (useY) {
                        if (yb == 0) {
                            yb = chainLast(m, seg, yIndex, buckets + yIndex * layout.size);
                            yi = firstFree(m, yb);
                        }
                        if (yi == SLOTS) {
                            yb = newOverflow(seg, h, yb, true);
                            yi = 0;
                            m = heap.mem();
                        }
                        db = yb;
                        di = yi++;
                    } else {
                        if (xi == SLOTS) {
                            xb = newOverflow(seg, h, xb, true);
                            xi = 0;
                            m = heap.mem();
                        }
                        db = xb;
                        di = xi++;
                    }
                    copySlot(m, b, i, db, di);
                    publish();
                    tophash(m, db, di, t);
                    publish();
                    tophash(m, b, i, useY ? EVACUATED_Y : EVACUATED_X);
                }
                b = nextInChain(m, seg, oldIndex, b, n, chainLimit);
            }
            // The old chain's overflow buckets are unreachable now: the primary bucket's marks say
            // "look in the new array". Give them back at once rather than with the whole array.
            long ovf = m.get(LONG, ob + layout.overflow);
            m.set(LONG, ob + layout.overflow, 0);
            int freed = 0;
            while (ovf != 0) {
                long next = m.get(LONG, ovf + layout.overflow);
                heap.retire(ovf);
                freed++;
                ovf = next;
            }
            m = heap.mem();
            SegmentHeader.setNoverflow(m, h, SegmentHeader.noverflow(m, h) - freed);
            evacuations.increment(seg);
            SegmentHeader.bumpGeneration(m, h);
            if (StoreEvents.EVACUATE.isEnabled()) {
                StoreEvents.Evacuate event = new StoreEvents.Evacuate();
                event.segment = seg;
                event.oldBucket = oldIndex;
                event.overflowFreed = freed;
                event.commit();
            }
        }
        if (oldIndex == SegmentHeader.nevacuate(m, h)) {
            advanceEvacuationMark(seg, h, old, oldLog2);
        }
    }

    /** The last bucket of a chain: evacuation appends there, since destination chains stay packed. */
    private long chainLast(MemorySegment m, int seg, long index, long b) {
        int chainLimit = SegmentHeader.noverflow(m, header(seg));
        for (int n = 0; ; n++) {
            long next = nextInChain(m, seg, index, b, n, chainLimit);
            if (next == 0) {
                return b;
            }
            b = next;
        }
    }

    /** @return the first emptyRest slot of bucket {@code b}, or {@link BucketLayout#SLOTS} when it is full */
    private static int firstFree(MemorySegment m, long b) {
        for (int i = 0; i < SLOTS; i++) {
            if (tophash(m, b, i) == EMPTY_REST) {
                return i;
            }
        }
        return SLOTS;
    }

    private void advanceEvacuationMark(int seg, long h, long old, int oldLog2) {
        MemorySegment m = heap.mem();
        long oldSize = 1L << oldLog2;
        long next = SegmentHeader.nevacuate(m, h) + 1;
        // Go bounds this scan so one write never does O(n) work; 1024 buckets as Go does.
        long stop = Math.min(next + 1024, oldSize);
        while (next < stop && BucketLayout.isEvacuated(tophash(m, old + next * layout.size, 0))) {
            next++;
        }
        SegmentHeader.setNevacuate(m, h, next);
        if (next == oldSize) {
            SegmentHeader.setOldBuckets(m, h, 0);
            SegmentHeader.setOldLog2Buckets(m, h, 0);
            SegmentHeader.bumpGeneration(m, h);
            heap.retire(old);
        }
    }

    /** Runs growth to completion, so the segment has one array again. */
    void finishGrowth(int seg) {
        long h = header(seg);
        MemorySegment m = heap.mem();
        while (SegmentHeader.oldBuckets(m, h) != 0) {
            evacuate(seg, h, SegmentHeader.nevacuate(m, h));
            m = heap.mem();
        }
    }

    private long newOverflow(int seg, long h, long last) {
        return newOverflow(seg, h, last, false);
    }

    /** @param urgent for an evacuation under way, which must not fail halfway */
    private long newOverflow(int seg, long h, long last, boolean urgent) {
        long ovf = urgent ? heap.allocateUrgent(layout.size, BlockHeader.OVERFLOW)
                : heap.allocate(layout.size, BlockHeader.OVERFLOW);
        MemorySegment m = heap.mem();
        publish();
        m.set(LONG, last + layout.overflow, ovf);
        SegmentHeader.setNoverflow(m, h, SegmentHeader.noverflow(m, h) + 1);
        return ovf;
    }

    // ---------------------------------------------------------------- iteration

    /** Receives the slots of one iteration step. */
    interface SlotSink {
        void accept(long slot);
    }

    /**
     * One iteration step over a segment: reports every live slot whose bit-reversed bucket hash lies in
     * {@code [cursor, end of the current bucket's interval)}. The caller holds the segment.
     *
     * @param cursor where the walk stands, 0 at the start
     * @return the next cursor, or {@link #DONE}
     */
    long collect(int seg, long cursor, SlotSink sink) {
        MemorySegment m = heap.mem();
        long h = header(seg);
        int log2 = log2Buckets(m, seg, h);
        long buckets = buckets(m, seg, h, log2);
        long span = log2 == 0 ? 0 : (1L << (64 - log2));
        long lo = log2 == 0 ? 0 : cursor & -span;
        long hi = lo + span;
        if (buckets == 0) {
            return hi == 0 ? DONE : hi;
        }
        long index = Long.reverse(cursor) & mask(log2);
        long old = SegmentHeader.oldBuckets(m, h);
        if (old != 0) {
            int oldLog2 = SegmentHeader.oldLog2Buckets(m, h);
            old = oldBuckets(m, seg, h, oldLog2);
            m = heap.mem();
            if (oldLog2 <= log2) {
                collectChain(m, seg, old, index & mask(oldLog2), cursor, hi, sink, true);
            } else {
                collectChain(m, seg, old, index, cursor, hi, sink, true);
                collectChain(m, seg, old, index + (1L << log2), cursor, hi, sink, true);
            }
        }
        collectChain(heap.mem(), seg, buckets, index, cursor, hi, sink, false);
        return hi == 0 ? DONE : hi;
    }

    private void collectChain(MemorySegment m, int seg, long array, long index, long cursor, long hi, SlotSink sink,
            boolean skipIfEvacuated) {
        long b = array + index * layout.size;
        if (skipIfEvacuated && BucketLayout.isEvacuated(tophash(m, b, 0))) {
            return;
        }
        int chainLimit = SegmentHeader.noverflow(m, header(seg));
        for (int n = 0; b != 0; n++) {
            for (int i = 0; i < SLOTS; i++) {
                int t = tophash(m, b, i);
                if (t < BucketLayout.MIN_TOPHASH) {
                    continue;
                }
                long r = Long.reverse(hashAt(m, seg, index, b, i));
                if (Long.compareUnsigned(r, cursor) >= 0 && (hi == 0 || Long.compareUnsigned(r, hi) < 0)) {
                    sink.accept(b | i);
                }
            }
            b = nextInChain(m, seg, index, b, n, chainLimit);
        }
    }

    // ---------------------------------------------------------------- clear, stats, verify

    /** Empties every segment and gives the whole heap back. The caller holds every segment. */
    void clear() {
        MemorySegment m = heap.mem();
        for (int s = 0; s < segments; s++) {
            long h = header(s);
            long generation = SegmentHeader.generation(m, h);
            long stamp = SegmentHeader.getStampPlain(m, h);
            SegmentHeader.zero(m, h);
            SegmentHeader.setStampPlain(m, h, stamp);
            SegmentHeader.setGeneration(m, h, generation + 1);
            SegmentHeader.setLog2Buckets(m, h, initialLog2);
        }
        heap.reset();
    }

    int log2Buckets(int seg) {
        MemorySegment m = heap.mem();
        return log2Buckets(m, seg, header(seg));
    }

    boolean isMade(int seg) {
        return SegmentHeader.buckets(heap.mem(), header(seg)) != 0;
    }

    int overflowBuckets(int seg) {
        return SegmentHeader.noverflow(heap.mem(), header(seg));
    }

    /** Chain lengths counted up to this many buckets; longer chains share the last bucket. */
    static final int CHAIN_HISTOGRAM = 17;

    /** Adds the current array's chain lengths to {@code histogram}. The caller holds the segment. */
    void chainLengths(int seg, long[] histogram) {
        MemorySegment m = heap.mem();
        long h = header(seg);
        int log2 = log2Buckets(m, seg, h);
        long buckets = buckets(m, seg, h, log2);
        if (buckets == 0) {
            return;
        }
        int chainLimit = SegmentHeader.noverflow(m, h);
        for (long index = 0; index < (1L << log2); index++) {
            int length = 1;
            long b = buckets + index * layout.size;
            while ((b = nextInChain(m, seg, index, b, length - 1, chainLimit)) != 0) {
                length++;
            }
            histogram[Math.min(length, CHAIN_HISTOGRAM - 1)]++;
        }
    }

    long growths() {
        return growths.get();
    }

    long sameSizeGrowths() {
        return sameSizeGrowths.get();
    }

    long shrinks() {
        return shrinks.get();
    }

    long evacuations() {
        return evacuations.sum();
    }

    /**
     * Checks one segment completely: arrays, chains, tophashes against recomputed hashes, entries and
     * counts. The caller holds the segment.
     *
     * @return [entries, buckets] checked
     */
    long[] verify(int seg, List<Problem> problems) {
        MemorySegment m = heap.mem();
        long h = header(seg);
        long entries = 0;
        long bucketCount = 0;
        long overflowSeen = 0;
        int log2 = SegmentHeader.log2Buckets(m, h);
        long buckets = SegmentHeader.buckets(m, h);
        long count = SegmentHeader.count(m, h);
        long noverflow = Integer.toUnsignedLong(SegmentHeader.noverflow(m, h));
        if (!log2InRange(log2)) {
            problems.add(new Problem(seg, -1, SegmentHeader.log2BucketsOffset(h),
                    "B in [0, " + MAX_LOG2_BUCKETS + "]", Integer.toString(log2)));
            return new long[] {0, 0};
        }
        if (buckets == 0) {
            if (count != 0) {
                problems.add(new Problem(seg, -1, SegmentHeader.countOffset(h), "count 0 in an unmade segment",
                        Long.toString(count)));
            }
            return new long[] {0, 0};
        }
        if (!arrayOk(m, buckets, log2)) {
            problems.add(new Problem(seg, -1, SegmentHeader.bucketsOffset(h), "a bucket array of 2^" + log2
                    + " buckets in heap " + heap.range(), describe(m, buckets)));
            return new long[] {0, 0};
        }
        long old = SegmentHeader.oldBuckets(m, h);
        int oldLog2 = SegmentHeader.oldLog2Buckets(m, h);
        if (old != 0) {
            if (oldLog2 < log2 - 1 || oldLog2 > log2 + 1 || !arrayOk(m, old, oldLog2)) {
                problems.add(new Problem(seg, -1, SegmentHeader.oldBucketsOffset(h),
                        "an old bucket array of 2^" + oldLog2 + " buckets (B=" + log2 + ")", describe(m, old)));
                return new long[] {0, 0};
            }
            for (long i = 0; i < (1L << oldLog2); i++) {
                long[] r = verifyChain(m, seg, old, oldLog2, i, true, noverflow, problems);
                entries += r[0];
                bucketCount += r[1];
                overflowSeen += r[2];
            }
        }
        for (long i = 0; i < (1L << log2); i++) {
            long[] r = verifyChain(m, seg, buckets, log2, i, false, noverflow, problems);
            entries += r[0];
            bucketCount += r[1];
            overflowSeen += r[2];
        }
        if (entries != count) {
            problems.add(new Problem(seg, -1, SegmentHeader.countOffset(h), "count = " + entries + " reachable entries",
                    Long.toString(count)));
        }
        if (overflowSeen != noverflow) {
            problems.add(new Problem(seg, -1, SegmentHeader.noverflowOffset(h),
                    "noverflow = " + overflowSeen + " reachable overflow buckets", Long.toString(noverflow)));
        }
        return new long[] {entries, bucketCount};
    }

    private long[] verifyChain(MemorySegment m, int seg, long array, int log2, long index, boolean old, long noverflow,
            List<Problem> problems) {
        long b = array + index * layout.size;
        long entries = 0;
        long bucketCount = 0;
        long overflowBuckets = 0;
        int first = tophash(m, b, 0);
        if (old && BucketLayout.isEvacuated(first)) {
            for (int i = 0; i < SLOTS; i++) {
                if (!BucketLayout.isEvacuated(tophash(m, b, i))) {
                    problems.add(new Problem(seg, index, b + i, "an evacuation mark in every slot of evacuated old bucket",
                            "tophash " + tophash(m, b, i)));
                }
            }
            return new long[] {0, 1, 0};
        }
        boolean rest = false;
        for (long n = 0; b != 0; n++) {
            bucketCount++;
            for (int i = 0; i < SLOTS; i++) {
                int t = tophash(m, b, i);
                if (rest && t != EMPTY_REST) {
                    problems.add(new Problem(seg, index, b + i, "emptyRest after an emptyRest", "tophash " + t));
                }
                if (t == EMPTY_REST) {
                    rest = true;
                    continue;
                }
                if (t == EMPTY_ONE) {
                    continue;
                }
                if (BucketLayout.isEvacuated(t)) {
                    problems.add(new Problem(seg, index, b + i, "a live or empty tophash", "evacuation mark " + t));
                    continue;
                }
                try {
                    long hash = hashAt(m, seg, index, b, i);
                    if (BucketLayout.tophash(hash) != t) {
                        problems.add(new Problem(seg, index, b + i, "tophash " + BucketLayout.tophash(hash)
                                + " of the stored key", "tophash " + t));
                    } else if ((hash & mask(log2)) != index || segmentOf(hash) != seg) {
                        problems.add(new Problem(seg, index, b + i, "a key hashing to segment " + seg + ", bucket " + index,
                                "segment " + segmentOf(hash) + ", bucket " + (hash & mask(log2))));
                    } else {
                        if (!valueInline) {
                            entryOf(m, seg, b, i);
                        }
                        entries++;
                    }
                } catch (CorruptedStoreException e) {
                    long slot = keyInline ? layout.valueAt(b, i) : layout.keyAt(b, i);
                    problems.add(new Problem(seg, index, slot, "a sound entry reference", e.getMessage()));
                }
            }
            long next = m.get(LONG, b + layout.overflow);
            if (next != 0 && !heap.isValid(next, BlockHeader.OVERFLOW)) {
                problems.add(new Problem(seg, index, b + layout.overflow, "0 or an overflow bucket in heap " + heap.range(),
                        describe(m, next)));
                break;
            }
            if (next != 0) {
                overflowBuckets++;
            }
            if (n > noverflow) {
                problems.add(new Problem(seg, index, b, "a chain of at most " + noverflow + " overflow buckets",
                        "a longer or cyclic chain"));
                break;
            }
            b = next;
        }
        return new long[] {entries, bucketCount, overflowBuckets};
    }

    // ---------------------------------------------------------------- recovery (files found dirty)

    /**
     * Brings a segment of a file found dirty back to a consistent state: stamp even, an interrupted
     * grow rolled back or its evacuation finished, count and noverflow recounted from what is
     * reachable. Single-threaded, before the store is handed out.
     */
    void recover(int seg) {
        MemorySegment m = heap.mem();
        long h = header(seg);
        SegmentHeader.setStampPlain(m, h, 0);
        int log2 = log2Buckets(m, seg, h);
        long buckets = buckets(m, seg, h, log2);
        long old = SegmentHeader.oldBuckets(m, h);
        if (old != 0 && old == buckets) {
            int oldLog2 = SegmentHeader.oldLog2Buckets(m, h);
            if (!log2InRange(oldLog2)) {
                throw corrupt(seg, -1, SegmentHeader.oldLog2BucketsOffset(h), "old B in [0, " + MAX_LOG2_BUCKETS + "]",
                        Integer.toString(oldLog2));
            }
            SegmentHeader.setLog2Buckets(m, h, oldLog2);
            SegmentHeader.setOldBuckets(m, h, 0);
            log2 = oldLog2;
            buckets(m, seg, h, log2);
        } else if (old != 0) {
            int oldLog2 = SegmentHeader.oldLog2Buckets(m, h);
            if (oldLog2 < log2 - 1 || oldLog2 > log2 + 1) {
                throw corrupt(seg, -1, SegmentHeader.oldLog2BucketsOffset(h), "old B within one of B=" + log2,
                        Integer.toString(oldLog2));
            }
            finishEvacuation(seg, h, oldBuckets(m, seg, h, oldLog2), oldLog2, buckets, log2);
        }
        recount(seg, h);
    }

    /** The longest chain a damaged file could make us walk before we call it cyclic. */
    private long chainBound() {
        return Math.max(1, (heap.top() - heap.heapStart()) / layout.size);
    }

    /**
     * Finishes an evacuation a crash interrupted: every live old slot whose key is not already in the
     * new array (a crash can fall between copying a slot and marking it) is copied, then marked.
     */
    private void finishEvacuation(int seg, long h, long old, int oldLog2, long buckets, int log2) {
        long bound = chainBound();
        for (long index = 0; index < (1L << oldLog2); index++) {
            long b = old + index * layout.size;
            for (long n = 0; b != 0; n++) {
                MemorySegment m = heap.mem();
                for (int i = 0; i < SLOTS; i++) {
                    int t = tophash(m, b, i);
                    if (BucketLayout.isEmpty(t)) {
                        tophash(m, b, i, EVACUATED_EMPTY);
                        continue;
                    }
                    if (BucketLayout.isEvacuated(t)) {
                        continue;
                    }
                    long dest = buckets + (hashAt(m, seg, index, b, i) & mask(log2)) * layout.size;
                    if (!chainHoldsKeySlot(seg, index, dest, b, i)) {
                        appendSlot(seg, h, dest, b, i, t);
                        m = heap.mem();
                    }
                    tophash(m, b, i, EVACUATED_X);
                }
                b = nextInChain(m, seg, index, b, n, bound);
            }
        }
        MemorySegment m = heap.mem();
        SegmentHeader.setOldBuckets(m, h, 0);
        SegmentHeader.setOldLog2Buckets(m, h, 0);
        SegmentHeader.setNevacuate(m, h, 0);
    }

    private boolean chainHoldsKeySlot(int seg, long index, long dest, long b, int i) {
        MemorySegment m = heap.mem();
        long bound = chainBound();
        int t = tophash(m, b, i);
        long key = layout.keyAt(b, i);
        for (long n = 0; dest != 0; n++) {
            for (int j = 0; j < SLOTS; j++) {
                long other = layout.keyAt(dest, j);
                if (tophash(m, dest, j) == t
                        && MemorySegment.mismatch(m, key, key + layout.keySlot, m, other, other + layout.keySlot) == -1) {
                    return true;
                }
            }
            dest = nextInChain(m, seg, index, dest, n, bound);
        }
        return false;
    }

    /** Copies slot (b, i) into the first empty slot of chain {@code dest}, growing the chain if full. */
    private void appendSlot(int seg, long h, long dest, long b, int i, int t) {
        MemorySegment m = heap.mem();
        long bound = chainBound();
        for (long n = 0; ; n++) {
            for (int j = 0; j < SLOTS; j++) {
                if (BucketLayout.isEmpty(tophash(m, dest, j))) {
                    copySlot(m, b, i, dest, j);
                    publish();
                    tophash(m, dest, j, t);
                    return;
                }
            }
            long next = overflow(m, seg, -1, dest);
            if (next == 0) {
                newOverflow(seg, h, dest, true);
                m = heap.mem();
                next = m.get(LONG, dest + layout.overflow);
            }
            if (n > bound) {
                throw chainTooLong(seg, -1, dest, bound);
            }
            dest = next;
        }
    }

    /** Sets count and noverflow from what the segment's arrays reach. */
    private void recount(int seg, long h) {
        MemorySegment m = heap.mem();
        long count = 0;
        long overflowBuckets = 0;
        long bound = chainBound();
        int log2 = log2Buckets(m, seg, h);
        long buckets = buckets(m, seg, h, log2);
        long old = SegmentHeader.oldBuckets(m, h);
        int oldLog2 = SegmentHeader.oldLog2Buckets(m, h);
        for (int pass = 0; pass < 2; pass++) {
            long array = pass == 0 ? buckets : oldBuckets(m, seg, h, oldLog2);
            int arrayLog2 = pass == 0 ? log2 : oldLog2;
            if (array == 0 || (pass == 1 && old == 0)) {
                continue;
            }
            for (long index = 0; index < (1L << arrayLog2); index++) {
                long b = array + index * layout.size;
                if (pass == 1 && BucketLayout.isEvacuated(tophash(m, b, 0))) {
                    continue;
                }
                for (long n = 0; b != 0; n++) {
                    for (int i = 0; i < SLOTS; i++) {
                        if (tophash(m, b, i) >= BucketLayout.MIN_TOPHASH) {
                            count++;
                        }
                    }
                    long next = nextInChain(m, seg, index, b, n, bound);
                    if (next != 0) {
                        overflowBuckets++;
                    }
                    b = next;
                }
            }
        }
        SegmentHeader.setCount(m, h, count);
        SegmentHeader.setNoverflow(m, h, (int) Math.min(overflowBuckets, Integer.MAX_VALUE));
    }

    /** Receives each block a segment reaches, by payload offset. */
    interface BlockSink {
        void reached(long payload);
    }

    /**
     * Reports every block segment {@code seg} reaches: its arrays, overflow buckets and entries, each
     * checked on the way (a damaged file throws {@link CorruptedStoreException}). Only reads, so a
     * read-only look at a file can use it too.
     */
    void reachable(int seg, BlockSink sink) {
        MemorySegment m = heap.mem();
        long h = header(seg);
        int log2 = log2Buckets(m, seg, h);
        long buckets = buckets(m, seg, h, log2);
        long old = SegmentHeader.oldBuckets(m, h);
        int oldLog2 = SegmentHeader.oldLog2Buckets(m, h);
        int chainLimit = SegmentHeader.noverflow(m, h);
        for (int pass = 0; pass < 2; pass++) {
            long array = pass == 0 ? buckets : (old == 0 ? 0 : oldBuckets(m, seg, h, oldLog2));
            int arrayLog2 = pass == 0 ? log2 : oldLog2;
            if (array == 0) {
                continue;
            }
            sink.reached(array);
            for (long index = 0; index < (1L << arrayLog2); index++) {
                long b = array + index * layout.size;
                if (pass == 1 && BucketLayout.isEvacuated(tophash(m, b, 0))) {
                    continue;
                }
                for (int n = 0; b != 0; n++) {
                    for (int i = 0; i < SLOTS; i++) {
                        if (tophash(m, b, i) >= BucketLayout.MIN_TOPHASH && !(keyInline && valueInline)) {
                            sink.reached(entryOf(m, seg, b, i));
                        }
                    }
                    long next = nextInChain(m, seg, index, b, n, chainLimit);
                    if (next != 0) {
                        sink.reached(next);
                    }
                    b = next;
                }
            }
        }
    }

    // ---------------------------------------------------------------- checked reads of offsets

    /** @return whether {@code log2} is a {@code B} or {@code oldB} a segment may have */
    static boolean log2InRange(int log2) {
        return log2 >= 0 && log2 <= MAX_LOG2_BUCKETS;
    }

    private int log2Buckets(MemorySegment m, int seg, long h) {
        int log2 = SegmentHeader.log2Buckets(m, h);
        if (!log2InRange(log2)) {
            throw corrupt(seg, -1, SegmentHeader.log2BucketsOffset(h), "B in [0, " + MAX_LOG2_BUCKETS + "]",
                    Integer.toString(log2));
        }
        return log2;
    }

    /** @return the current bucket array, 0 while unmade, checked when OFFSET_CHECK is on */
    private long buckets(MemorySegment m, int seg, long h, int log2) {
        return checkedArray(m, seg, SegmentHeader.buckets(m, h), SegmentHeader.bucketsOffset(h), log2);
    }

    /** @return the array being evacuated, 0 when not growing, checked when OFFSET_CHECK is on */
    private long oldBuckets(MemorySegment m, int seg, long h, int oldLog2) {
        return checkedArray(m, seg, SegmentHeader.oldBuckets(m, h), SegmentHeader.oldBucketsOffset(h), oldLog2);
    }

    private long checkedArray(MemorySegment m, int seg, long array, long field, int log2) {
        if (checkOffsets && array != 0 && !arrayOk(m, array, log2)) {
            throw corrupt(seg, -1, field, "a bucket array of 2^" + log2 + " buckets in heap " + heap.range(),
                    describe(m, array));
        }
        return array;
    }

    private boolean arrayOk(MemorySegment m, long array, int log2) {
        return array >= heap.heapStart() + BlockHeader.LARGE_PAYLOAD_OFFSET
                && ((array - BlockHeader.LARGE_PAYLOAD_OFFSET) & pageMask) == 0
                && array + (layout.size << log2) <= Math.min(heap.top(), m.byteSize());
    }

    private long overflow(MemorySegment m, int seg, long index, long b) {
        long next = m.get(LONG, b + layout.overflow);
        if (next != 0 && !heap.isValid(next, BlockHeader.OVERFLOW)) {
            throw corrupt(seg, index, b + layout.overflow, "0 or an overflow bucket in heap " + heap.range(),
                    describe(m, next));
        }
        return next;
    }

    /**
     * One step of a cold path's chain walk: the bucket after {@code b} in chain {@code index}, checked
     * as {@link #overflow} checks it, or 0 at the chain's end. {@code n} counts the steps taken, from 0;
     * a chain that has a bucket after step {@code limit} holds more overflow buckets than the segment
     * owns, so it is longer than it may be or cyclic. The hot paths ({@code find}, {@code put},
     * {@code remove}) walk by hand, with the same check.
     */
    private long nextInChain(MemorySegment m, int seg, long index, long b, long n, long limit) {
        long next = overflow(m, seg, index, b);
        if (next != 0 && n >= limit) {
            throw chainTooLong(seg, index, next, limit);
        }
        return next;
    }

    private long entryOf(MemorySegment m, int seg, long b, int i) {
        long slot = keyInline ? layout.valueAt(b, i) : layout.keyAt(b, i);
        return checkedEntry(m, seg, -1, slot);
    }

    private long checkedEntry(MemorySegment m, int seg, long index, long slotOffset) {
        long ref = m.get(SLOT_LONG, slotOffset);
        if (!heap.isValid(ref, BlockHeader.ENTRY)) {
            throw corrupt(seg, index, slotOffset, "an entry in heap " + heap.range(), describe(m, ref));
        }
        if (checkOffsets) {
            long length = EntryLayout.DATA + Integer.toUnsignedLong(m.get(INT, ref + EntryLayout.KEY_LENGTH))
                    + Integer.toUnsignedLong(m.get(INT, ref + EntryLayout.VALUE_LENGTH));
            long capacity = heap.capacity(ref);
            if (length > capacity) {
                throw corrupt(seg, index, ref, "an entry of at most " + capacity + " bytes",
                        "lengths adding up to " + length + " bytes");
            }
        }
        return ref;
    }

    private boolean keyEquals(MemorySegment m, int seg, long index, long b, int i, MemorySegment key, long keyOffset,
            long keyLength, long keyBits) {
        if (keyInline) {
            long at = layout.keyAt(b, i);
            if (key == null) {
                return m.get(SLOT_LONG, at) == keyBits;
            }
            return MemorySegment.mismatch(m, at, at + keySize, key, keyOffset, keyOffset + keySize) == -1;
        }
        long ref = checkedEntry(m, seg, index, layout.keyAt(b, i));
        if (Integer.toUnsignedLong(m.get(INT, ref + EntryLayout.KEY_LENGTH)) != keyLength) {
            return false;
        }
        long at = ref + EntryLayout.DATA;
        return MemorySegment.mismatch(m, at, at + keyLength, key, keyOffset, keyOffset + keyLength) == -1;
    }

    private long hashAt(MemorySegment m, int seg, long index, long b, int i) {
        if (keyInline) {
            long at = layout.keyAt(b, i);
            return keySize == Long.BYTES ? Hashing.ofLong(m.get(SLOT_LONG, at), seed)
                    : Hashing.ofBytes(m, at, keySize, seed);
        }
        long ref = checkedEntry(m, seg, index, layout.keyAt(b, i));
        return Hashing.ofBytes(m, ref + EntryLayout.DATA, Integer.toUnsignedLong(m.get(INT, ref + EntryLayout.KEY_LENGTH)),
                seed);
    }

    private static int tophash(MemorySegment m, long b, int i) {
        return m.get(BYTE, b + i) & 0xFF;
    }

    private static void tophash(MemorySegment m, long b, int i, int value) {
        m.set(BYTE, b + i, (byte) value);
    }

    private static long mask(int log2) {
        return (1L << log2) - 1;
    }

    private CorruptedStoreException chainTooLong(int seg, long index, long at, long limit) {
        return corrupt(seg, index, at, "a chain of at most " + limit + " overflow buckets (noverflow)",
                "a longer or cyclic chain");
    }

    private String describe(MemorySegment m, long offset) {
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
        if (StoreEvents.CORRUPTION.isEnabled()) {
            StoreEvents.Corruption event = new StoreEvents.Corruption();
            event.segment = seg;
            event.bucket = index;
            event.offset = offset;
            event.message = message;
            event.commit();
        }
        return new CorruptedStoreException(message);
    }
}

package io.hmapstore.table;

import io.hmapstore.ConcurrentWriteException;
import io.hmapstore.VerifyReport.Problem;
import io.hmapstore.heap.BlockHeader;
import io.hmapstore.heap.EntryHeap;
import io.hmapstore.memory.MappedRegion;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * The hash table proper: {@code 2^s} segments, each one Go {@code hmap}, over encoded key and value
 * bytes. It knows layouts, not codecs or locks; the store layer ({@code io.hmapstore.store}) decides who may call what.
 *
 * <p>Implementation notes. This mirrors Go's {@code runtime/map.go} (the pre-swiss-table map):
 * {@code mapaccess} is {@link #find}, {@code mapassign} is {@link TableWrites#put},
 * {@code mapdelete} is {@link TableWrites#remove}, and growth is
 * {@code hashGrow}/{@code growWork}/{@code evacuate}. A key's hash is cut into parts that share no
 * bits: the top byte is the tophash, the next {@code s} bits pick the segment, the low {@code B} bits
 * pick the bucket.
 *
 * <p>Growth generalises Go's in one respect: the old array may be larger than the new one, so the
 * same incremental machinery also shrinks a table. With {@code oldB} the old array's log2 size, a
 * lookup checks old bucket {@code hash & (2^oldB - 1)} and reads it while it is not evacuated, else
 * the new bucket {@code hash & (2^B - 1)}; a write first evacuates every old bucket that feeds the new
 * bucket it touches (one when doubling or growing at the same size, two when halving) plus the next
 * unevacuated one, so evacuation finishes within {@code 2^oldB} writes.
 *
 * <p>Deletion writes {@link BucketLayout#EMPTY_ONE} and turns a trailing run of empties into
 * {@link BucketLayout#EMPTY_REST}, so lookups stop early (Go's {@code mapdelete}).
 *
 * <p>This class keeps hashing, the seqlock stamp and the lookup hand-written and monomorphic, with
 * the fields every part reads. The rest are final classes of this package, each reached through a
 * final field and each with its own implementation notes: {@link TableWrites} (insert and delete, the
 * other hot path; public, as {@code table.writes}), {@link Slots} (what a slot holds, eviction and
 * expiry state; public, as {@code table.slots}), {@link CheckedReads} (the checked reads of offsets
 * every walk shares), {@link Growth} (growth and evacuation), {@link TableScans} (iteration, chain
 * statistics, reachability, the expiry sweep), {@link TableVerifier}, {@link TableRecovery} (files
 * found dirty) and {@link TableErrors} (the corruption exceptions).
 */
public final class HashTable {
    private static final ValueLayout.OfLong SLOT_LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;

    /** Go's loadFactorNum/loadFactorDen: grow past 6.5 entries per bucket on average. */
    public static final long LOAD_NUM = 13;
    public static final long LOAD_DEN = 2;
    /**
     * The largest {@code B} (and {@code oldB}) a segment header may hold: every range check of a
     * {@code B} read from memory uses it, through {@link #log2InRange}.
     */
    public static final int MAX_LOG2_BUCKETS = 40;

    /** Returned by {@link #collect} when a segment's walk is complete. */
    public static final long DONE = -1L;

    final EntryHeap heap;
    public final BucketLayout layout;
    private final MappedRegion region;
    private final long headers;
    public final int segmentBits;
    /** {@link #segmentOf}'s shift: 63 - segmentBits, so that no segment bits shift the hash out whole. */
    private final int segmentShift;
    public final int segments;
    final long seed;
    final int keySize;
    final int valueSize;
    final boolean keyInline;
    public final boolean valueInline;
    final boolean checkOffsets;
    final boolean makeBeforeWrite;
    final int initialLog2;
    /** The largest B a segment doubles to: {@link #MAX_LOG2_BUCKETS}, or a bounded store's plan. */
    int maxLog2 = MAX_LOG2_BUCKETS;
    /** Whether a byte bound is planned: growth is given up, never forced, when its array does not fit. */
    boolean bounded;
    /** The largest entry block a bounded store takes (the store's {@code MemoryPlan}); unbounded: no limit. */
    long maxEntryBlock = Long.MAX_VALUE;
    private final long pageMask = MappedRegion.pageSize() - 1;

    final TableErrors errors;
    final CheckedReads checked;
    final Growth growth;
    /** Insert, update and delete; the caller holds the segment for writing. */
    public final TableWrites writes;
    /** What a slot holds: key, value, entry, hash, frequency and deadline. */
    public final Slots slots;
    private final TableScans scans;
    private final TableVerifier verifier;
    private final TableRecovery recovery;
    private final BucketArrays arrays;
    /** Each segment's seqlock stamp, with its checked bucket array ({@link SegmentStamp}). */
    private final SegmentStamp[] stamps;

    public HashTable(MappedRegion region, EntryHeap heap, long headers, int segmentBits, long seed, int keySize, int valueSize,
            int initialLog2, boolean checkOffsets, boolean makeBeforeWrite, boolean fresh, boolean meta,
            boolean deadlines) {
        this.region = region;
        this.heap = heap;
        this.headers = headers;
        this.segmentBits = segmentBits;
        this.segments = 1 << segmentBits;
        this.segmentShift = 63 - segmentBits;
        this.seed = seed;
        this.keySize = keySize;
        this.valueSize = valueSize;
        this.keyInline = keySize > 0;
        this.valueInline = valueSize > 0;
        this.layout = BucketLayout.forSizes(keySize, valueSize, meta, deadlines);
        this.initialLog2 = initialLog2;
        this.checkOffsets = checkOffsets;
        this.makeBeforeWrite = makeBeforeWrite;
        this.errors = new TableErrors(region, heap);
        this.checked = new CheckedReads(this);
        this.growth = new Growth(this);
        this.writes = new TableWrites(this);
        this.slots = new Slots(this);
        this.scans = new TableScans(this);
        this.verifier = new TableVerifier(this);
        this.recovery = new TableRecovery(this);
        this.arrays = new BucketArrays(this);
        this.stamps = new SegmentStamp[segments];
        for (int s = 0; s < segments; s++) {
            stamps[s] = new SegmentStamp();
        }
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
    public void planWithin(int maxLog2, long maxEntryBlock) {
        this.maxLog2 = maxLog2;
        this.maxEntryBlock = maxEntryBlock;
        this.bounded = true;
    }

    // ---------------------------------------------------------------- hashing and addressing

    public long hashOf(MemorySegment key, long offset, long length) {
        return Hashing.ofBytes(key, offset, length, seed);
    }

    public long hashOfLong(long key) {
        return Hashing.ofLong(key, seed);
    }

    public int segmentOf(long hash) {
        // The segmentBits bits below the tophash byte; shifted in two steps, since a shift by 64 is one by 0.
        return (int) (((hash << 8) >>> 1) >>> segmentShift);
    }

    public long header(int seg) {
        return headers + seg * SegmentHeader.SIZE;
    }

    // ---------------------------------------------------------------- seqlock stamp

    /**
     * Enters a segment as its only writer: the stamp goes from even to odd by CAS, so a second writer
     * that overlaps is always caught.
     */
    public long beginWrite(int seg) {
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
    public long tryBeginWrite(int seg) {
        return stamps[seg].tryBegin();
    }

    /**
     * Makes the stamp even again; a release store, so every data write is seen before it, and the
     * segment's bucket array for the short lookup ({@link BucketArrays}) with them.
     */
    public void endWrite(int seg, long stamp) {
        arrays.publish(heap.mem(), seg);
        stamps[seg].end(stamp);
    }

    /** {@link #endWrite} after a write that changed no bucket array: the published one stands. */
    public void endWriteInPlace(int seg, long stamp) {
        stamps[seg].end(stamp);
    }

    /**
     * Records a {@code Corruption} event only for a damage found by a thread that sees its segment
     * {@code stable}: in CONCURRENT mode one that holds the segment's lock, since a lock-free reader's
     * view may be torn by a writer and look damaged when it is not.
     */
    public void recordCorruptionOnlyWhere(IntPredicate stable) {
        errors.recordOnlyWhere(stable);
    }

    /**
     * Publishes segment {@code seg}'s bucket array for the short lookup without a stamp: for a
     * single-writer store with the writer check off, whose writer never takes one; and, for every
     * segment, when the store has opened.
     */
    public void publishBucketArray(int seg) {
        arrays.publish(heap.mem(), seg);
    }

    /** Whether an optimistic read that started at {@code stamp} saw a stable segment ({@link SegmentStamp#validate}). */
    public boolean validate(int seg, long stamp) {
        return stamps[seg].validate(stamp);
    }

    /**
     * Whether a lock holder (or single writer) has segment {@code seg}: a volatile load, which an in-place
     * update makes after claiming its cell ({@code InPlaceUpdates}: Dekker's protocol needs both sides'
     * accesses volatile).
     */
    public boolean writing(int seg) {
        return stamps[seg].writing();
    }

    /** The stamp an optimistic read starts from ({@link SegmentStamp#read}). */
    public long readStamp(int seg) {
        return stamps[seg].read();
    }

    /**
     * Segment {@code seg}'s stamp itself, for a read that uses it twice and hands it to
     * {@link #findInlineLong}: one array index for the three.
     */
    public SegmentStamp stamp(int seg) {
        return stamps[seg];
    }

    public long generation(int seg) {
        return SegmentHeader.generation(heap.mem(), header(seg));
    }

    public long count(int seg) {
        return SegmentHeader.count(heap.mem(), header(seg));
    }

    // ---------------------------------------------------------------- lookup (mapaccess)

    /**
     * Finds a key.
     *
     * @param key the key's encoded bytes, or null when {@code keyBits} holds an 8-byte inline key
     * @return the slot as {@code bucketOffset | slotIndex}, or -1 when absent
     */
    public long find(int seg, long hash, MemorySegment key, long keyOffset, long keyLength, long keyBits) {
        return find(seg, hash, key, keyOffset, keyLength, keyBits, false);
    }

    /** {@link #findInlineLong}'s answer when the lookup needs {@link #find}. */
    public static final long SLOW = -2;

    /** Overflow buckets {@link #findInlineLong} follows before it leaves the rest of a chain to {@link #find}. */
    static final int SHORT_CHAIN = 3;

    /**
     * What {@link #findInlineLongToUpdate} compares its early loads of a bucket's later lines with
     * ({@link BucketLayout#laterLines}): the comparison is what keeps the JIT from dropping the loads, and
     * a bucket whose two words happen to match it only sends the update to the lock.
     */
    static final long LATER_LINES_MARK = 0x5bd1_e995_5bd1_e995L;

    /**
     * {@link #find} for an 8-byte inline key, small enough for the JIT to inline into {@code getLong}:
     * it searches a chain of a segment that is not growing, from the bucket array its last writer
     * checked ({@link BucketArrays}), through at most {@value #SHORT_CHAIN} overflow buckets, and leaves
     * anything else (a growth under way, a longer chain, an unmade segment) to {@link #find}. Fewer
     * instructions per lookup let the CPU overlap more lookups' cache misses. It never throws and never
     * follows an offset it has not checked: a first bucket past the end of {@code m} (in an array mapped
     * after the caller read {@code m}, or computed from the array's two fields read across a writer's
     * publication, which the caller's stamp then fails), or an overflow link that does not name an
     * overflow bucket inside {@code m}, is left to {@link #find}, which reports it if it is corrupt.
     *
     * <p>A full bucket is why it follows chains: a bucket's count is near Poisson, so an eighth of the
     * buckets of a table halfway to doubling are full (2 % just after it, a third just before), and a
     * miss in one, or a hit past it, took the general path. Following them took a miss at 1.65M
     * entries in a table sized for 1.7M from 208 and 199 ns to 146 ns ({@code CoreBenchmark}).
     *
     * @param m the region as the caller read it
     * @param stamp the segment's stamp ({@link #stamp}), which holds its checked bucket array
     * @return the key's region offset (its value follows it, {@link BucketLayout#valueOfLongKey}), -1 when
     *     absent, or {@link #SLOW}: the key's offset rather than the slot, so the value is read at a constant
     *     distance from it instead of from the slot's bucket and index through the layout's fields
     */
    public long findInlineLong(MemorySegment m, SegmentStamp stamp, long hash, long key) {
        long buckets = stamp.buckets;
        long b = buckets + (hash & stamp.mask) * layout.size;
        if (buckets == 0 || b > m.byteSize() - layout.size) {
            return SLOW;
        }
        long topBytes = BucketLayout.broadcast(BucketLayout.tophash(hash));
        for (int hops = 0; ; hops++) {
            long word = BucketLayout.tophashWord(m, b);
            for (long matches = BucketLayout.zeroBytes(word ^ topBytes); matches != 0; matches &= matches - 1) {
                long k = layout.keyAt(b, Long.numberOfTrailingZeros(matches) >>> 3);
                if (m.get(SLOT_LONG, k) == key) {
                    return k;
                }
            }
            if (BucketLayout.zeroBytes(word) != 0) {
                return -1;
            }
            b = layout.overflow(m, b);
            if (b == 0) {
                return -1;
            }
            if (hops == SHORT_CHAIN || !heap.isBlock(m, b, BlockHeader.OVERFLOW) || b > m.byteSize() - layout.size) {
                return SLOW;
            }
        }
    }

    /**
     * {@link #findInlineLong} for an update in place ({@link TableWrites#longValueInPlace}), which first
     * starts the loads of the first bucket's later cache lines ({@link BucketLayout#laterLines}): the key
     * it looks for is on the second or third line as often as not, and the update runs after a full fence
     * (its cell's claim, or a single writer's stamp), so that line's miss would otherwise follow the
     * tophash word's instead of overlapping it. A concurrent store's put-update of long values at 1M
     * entries took 0.67 × its time (eleven rounds).
     * Reads do not do it: a miss needs the first line only, and took 1.2 × its time with it
     * (benchmarks/README.md, "Early loads for the update in place").
     */
    long findInlineLongToUpdate(MemorySegment m, SegmentStamp stamp, long hash, long key) {
        long buckets = stamp.buckets;
        long b = buckets + (hash & stamp.mask) * layout.size;
        if (layout.threeLines && buckets != 0 && b <= m.byteSize() - layout.size
                && layout.laterLines(m, b) == LATER_LINES_MARK) {
            return SLOW;
        }
        return findInlineLong(m, stamp, hash, key);
    }

    /**
     * Finds the entry whose key hashes to {@code hash}, for the eviction queues, which remember keys
     * only by their 64-bit hash.
     *
     * @return the slot, or -1
     */
    public long findByHash(int seg, long hash) {
        return find(seg, hash, null, 0, 0, 0, true);
    }

    private long find(int seg, long hash, MemorySegment key, long keyOffset, long keyLength, long keyBits,
            boolean byHash) {
        MemorySegment m = heap.mem();
        long h = header(seg);
        int log2 = checked.log2Buckets(m, seg, h);
        long buckets = checked.buckets(m, seg, h, log2);
        if (buckets == 0) {
            return -1;
        }
        long index = hash & mask(log2);
        long b = buckets + index * layout.size;
        long old = SegmentHeader.oldBuckets(m, h);
        if (old != 0) {
            int oldLog2 = SegmentHeader.oldLog2Buckets(m, h);
            old = checked.oldBuckets(m, seg, h, oldLog2);
            // A lock-free reader may find arrays a writer allocated after this reader took its view
            // of the mapping: look again, so it reads them through a view that covers them.
            m = heap.mem();
            long oldIndex = hash & mask(oldLog2);
            long ob = old + oldIndex * layout.size;
            if (!BucketLayout.isEvacuated(BucketLayout.tophash(m, ob, 0))) {
                b = ob;
                index = oldIndex;
            }
        }
        m = heap.mem();
        long topBytes = BucketLayout.broadcast(BucketLayout.tophash(hash));
        int chainLimit = SegmentHeader.noverflow(m, h);
        for (int n = 0; ; n++) {
            // All eight tophash bytes in one load, compared at once (SWAR, as Swiss tables do): a
            // lookup runs a fraction of the instructions, so the CPU keeps several lookups' cache
            // misses in flight instead of one.
            long word = BucketLayout.tophashWord(m, b);
            for (long matches = BucketLayout.zeroBytes(word ^ topBytes); matches != 0; matches &= matches - 1) {
                int i = Long.numberOfTrailingZeros(matches) >>> 3;
                if (byHash ? checked.hashAt(m, seg, index, b, i) == hash
                        : checked.keyEquals(m, seg, index, b, i, key, keyOffset, keyLength, keyBits)) {
                    return b | i;
                }
            }
            if (BucketLayout.zeroBytes(word) != 0) {
                // An emptyRest: no live slot follows it in this chain.
                return -1;
            }
            b = checked.overflow(m, seg, index, b);
            if (b == 0) {
                return -1;
            }
            if (n >= chainLimit) {
                throw checked.chainTooLong(seg, index, b, chainLimit);
            }
        }
    }

    // ---------------------------------------------------------------- store ordering, shared

    /**
     * Orders the stores before it ahead of the store after it. The crash-ordering rules (a slot before
     * its tophash, an entry before the offset that names it, a grow's header stores one after the
     * other) rest on this: plain stores may be reordered by the JIT, and a SIGKILL freezes whatever
     * order reached memory. Free on x86 (TSO) but for the compiler barrier.
     */
    static void publish() {
        VarHandle.storeStoreFence();
    }

    // ---------------------------------------------------------------- clear and segment shape

    /** Empties every segment and gives the whole heap back. The caller holds every segment. */
    public void clear() {
        MemorySegment m = heap.mem();
        for (int s = 0; s < segments; s++) {
            long h = header(s);
            long generation = SegmentHeader.generation(m, h);
            SegmentHeader.zero(m, h);
            SegmentHeader.setGeneration(m, h, generation + 1);
            SegmentHeader.setLog2Buckets(m, h, initialLog2);
        }
        heap.reset();
    }

    public int log2Buckets(int seg) {
        MemorySegment m = heap.mem();
        return checked.log2Buckets(m, seg, header(seg));
    }

    public boolean isMade(int seg) {
        return SegmentHeader.buckets(heap.mem(), header(seg)) != 0;
    }

    public int overflowBuckets(int seg) {
        return SegmentHeader.noverflow(heap.mem(), header(seg));
    }

    // ---------------------------------------------------------------- growth, iteration, verify, recovery: delegates

    /** Runs growth to completion, so the segment has one array again ({@link Growth}). */
    public void finishGrowth(int seg) {
        growth.finishGrowth(seg);
    }

    public long growths() {
        return growth.growths();
    }

    public long sameSizeGrowths() {
        return growth.sameSizeGrowths();
    }

    public long shrinks() {
        return growth.shrinks();
    }

    public long evacuations() {
        return growth.evacuations();
    }

    /** Receives the slots of one iteration step. */
    public interface SlotSink {
        void accept(long slot);
    }

    /** Receives each block a segment reaches, by payload offset. */
    public interface BlockSink {
        void reached(long payload);
    }

    /** Chain lengths counted up to this many buckets; longer chains share the last bucket. */
    public static final int CHAIN_HISTOGRAM = 17;

    /**
     * One iteration step over a segment ({@link TableScans#collect}). The caller holds the segment.
     *
     * @param cursor where the walk stands, 0 at the start
     * @return the next cursor, or {@link #DONE}
     */
    public long collect(int seg, long cursor, SlotSink sink) {
        return scans.collect(seg, cursor, sink);
    }

    /** Adds the current array's chain lengths to {@code histogram}. The caller holds the segment. */
    public void chainLengths(int seg, long[] histogram) {
        scans.chainLengths(seg, histogram);
    }

    /** Reports every block segment {@code seg} reaches ({@link TableScans#reachable}). Only reads. */
    public void reachable(int seg, BlockSink sink) {
        scans.reachable(seg, sink);
    }

    /** {@link #sweepExpired}'s answer when a removal started a shrink and the sweep stopped. */
    public static final long SWEEP_INTERRUPTED = -1;

    /**
     * Removes the expired entries of up to {@code count} buckets of the current array, starting at
     * {@code from}; the caller holds the segment for writing ({@link TableScans#sweepExpired}).
     *
     * @param sink receives the hash of each removed entry
     * @return where the next sweep starts, or {@link #SWEEP_INTERRUPTED}
     */
    public long sweepExpired(int seg, long from, int count, long now, java.util.function.LongConsumer sink) {
        return scans.sweepExpired(seg, from, count, now, sink);
    }

    /**
     * Checks one segment completely ({@link TableVerifier}). The caller holds the segment.
     *
     * @return [entries, buckets] checked
     */
    public long[] verify(int seg, List<Problem> problems) {
        return verifier.verify(seg, problems);
    }

    /** Brings a segment of a file found dirty back to a consistent state ({@link TableRecovery}). */
    public void recover(int seg) {
        recovery.recover(seg);
    }

    // ---------------------------------------------------------------- ranges (the checked reads are CheckedReads)

    /** @return whether {@code log2} is a {@code B} or {@code oldB} a segment may have */
    public static boolean log2InRange(int log2) {
        return log2 >= 0 && log2 <= MAX_LOG2_BUCKETS;
    }

    boolean arrayOk(MemorySegment m, long array, int log2) {
        return array >= heap.heapStart() + BlockHeader.LARGE_PAYLOAD_OFFSET
                && ((array - BlockHeader.LARGE_PAYLOAD_OFFSET) & pageMask) == 0
                && array + (layout.size << log2) <= Math.min(heap.top(), m.byteSize());
    }

    static long mask(int log2) {
        return (1L << log2) - 1;
    }
}

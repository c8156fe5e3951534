package io.hmapstore.store;

import io.hmapstore.heap.EntryHeap;
import io.hmapstore.table.BucketLayout;
import io.hmapstore.table.HashTable;
import io.hmapstore.table.SegmentStamp;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The zero-allocation reads of a {@link TableStore}: {@code getLong} and {@code get} on
 * caller-encoded {@link MemorySegment}s (their writes are {@link SegmentWrites#primitiveWrite}). Nothing
 * here boxes, encodes to an array or makes a lambda ({@code ZeroAllocationTest} holds them to 0 bytes),
 * every call is to a final class so each site stays monomorphic, and the read gate is the hand-written
 * form ({@link SegmentAccess#readPrimitive}) of what the boxed reads run through a lambda.
 *
 * <p>Implementation notes. A read of an 8-byte key in a store that neither expires nor evicts takes a
 * short path the JIT inlines whole ({@link #readLongKey}): {@link HashTable#findInlineLong} finds the
 * key in its chain and the value is read or copied; whatever that leaves (a growth under way, a chain
 * of more than four buckets, a value that fails its checks) goes to the full read. In a concurrent
 * store the short path makes one seqlock attempt without entering an epoch
 * ({@link #readLongKeyOptimistic}).
 */
final class PrimitiveReads {
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    private final HashTable table;
    private final EntryHeap heap;
    private final SegmentAccess access;
    private final CacheBounds bounds;
    /** Whether a read records something (expiry or eviction): then there is no short path. */
    private final boolean recording;
    private final boolean concurrent;
    /** Concurrent and not recording: the common case, decided by one field on the way in. */
    final boolean optimistic;
    private final boolean writerCheck;

    PrimitiveReads(HashTable table, EntryHeap heap, SegmentAccess access, CacheBounds bounds) {
        this.table = table;
        this.heap = heap;
        this.access = access;
        this.bounds = bounds;
        this.recording = bounds.expiring || bounds.eviction != null;
        this.concurrent = access.locks != null;
        this.optimistic = concurrent && !recording;
        this.writerCheck = access.writerCheck;
    }

    /**
     * The zero-allocation reads of an 8-byte key ({@code getLong}, and {@code get(MemorySegment,
     * MemorySegment)} on such keys): a short path the JIT inlines whole, for stores that neither expire
     * nor evict (so a read records nothing). It finds the key with {@link HashTable#findInlineLong} and
     * reads or copies the value; whatever that leaves (a growth under way, a chain of more than four
     * buckets, a value that fails its checks) goes to {@link #readPrimitive}. The short path has no
     * exception handler: one made the JIT compile it apart from its caller, and a read cost 40 ns more.
     *
     * @param out null for {@code getLong}, else where the value is copied
     * @return the value or {@code absent} for {@code getLong}; 1 or 0 for a copy
     */
    long readLongKey(int seg, long hash, long key, MemorySegment out, long absent) {
        if (optimistic) {
            return readLongKeyOptimistic(seg, hash, key, out, absent);
        }
        return recording ? readPrimitive(seg, hash, null, key, out, absent) : readLongKeyAlone(seg, hash, key, out, absent);
    }

    /**
     * {@link #readLongKey} in a single-writer store, between {@link SegmentAccess#enterRead}'s and
     * {@link SegmentAccess#exitRead}'s checks.
     */
    private long readLongKeyAlone(int seg, long hash, long key, MemorySegment out, long absent) {
        access.checkOpen();
        SegmentStamp segment = table.stamp(seg);
        long stamp = writerCheck ? segment.read() : 0;
        if ((stamp & 1) != 0) {
            throw SegmentAccess.racingRead(seg);
        }
        MemorySegment m = heap.mem();
        long found = table.findInlineLong(m, segment, hash, key);
        long result = shortReadDone(m, found, out) ? shortReadResult(m, found, out, absent)
                : primitiveRead(seg, hash, null, key, out, absent);
        if (writerCheck && segment.read() != stamp && !access.isClosed()) {
            throw SegmentAccess.racingRead(seg);
        }
        return result;
    }

    /**
     * {@link #readLongKey} in a concurrent store: one seqlock attempt, as {@link #readPrimitive} makes,
     * but without entering an epoch. Epochs keep retired memory from reuse while a reader may hand its
     * bytes to a codec or hold a view of them. This read does neither: it follows only offsets it checks
     * against the mapping it took, never throws, and keeps what it read only if the stamp validates. A
     * bucket or entry retired and reused under it costs a retry, never a wrong answer (every release
     * policy leaves the region mapped; what a failed attempt copied into {@code out} is overwritten by
     * the retry). Skipping the epoch saves two atomic read-modify-writes, which on x86 are full fences:
     * they kept the CPU from overlapping one lookup's cache misses with the next one's.
     *
     * <p>It does not test whether the store is open. Closing takes every segment's lock and keeps it
     * ({@link SegmentAccess#closeAll}), so after a close the stamp is odd and the read goes to
     * {@link #readPrimitive}, which says the store is closed; a read whose stamp validated ended before
     * the close took its segment. The test cost a read two loads and a branch on the way in.
     */
    long readLongKeyOptimistic(int seg, long hash, long key, MemorySegment out, long absent) {
        // One read of the mapping for the whole attempt, taken before the stamp: one older than an array
        // a writer made before the stamp was read only sends the lookup to the general path.
        MemorySegment m = heap.mem();
        SegmentStamp segment = table.stamp(seg);
        long stamp = segment.read();
        if ((stamp & 1) == 0) {
            long found = table.findInlineLong(m, segment, hash, key);
            if (shortReadDone(m, found, out)) {
                long result = shortReadResult(m, found, out, absent);
                if (segment.validate(stamp)) {
                    return result;
                }
            }
        }
        return readPrimitive(seg, hash, null, key, out, absent);
    }

    /**
     * {@code get(MemorySegment, MemorySegment)}: an 8-byte key takes the short path, any other the full
     * read.
     *
     * @return whether the key was found (its value is then in {@code out})
     */
    boolean get(KeyValueCodecs<?, ?> codecs, MemorySegment key, MemorySegment out) {
        long bits = codecs.bitsOfEncodedKey(key);
        long hash = codecs.hashOfEncodedKey(key, bits);
        int seg = table.segmentOf(hash);
        if (codecs.keySize == Long.BYTES) {
            return readLongKey(seg, hash, bits, out, 0) != 0;
        }
        return readPrimitive(seg, hash, key, 0, out, 0) != 0;
    }

    /** {@link #boxedLong}'s answer when its short path could not decide. */
    static final Object UNDECIDED = new Object();

    /**
     * The boxed {@code get} of a store whose keys and values are both {@code Codecs.longs()} and that
     * neither expires nor evicts: {@link #readLongKey}'s short path (in a concurrent store one seqlock
     * attempt, in a single-writer store its writer check), boxing the value only once the read is known
     * good. Through the general gate the same read made a key object and a lambda, entered an epoch and
     * ran the value codec, and took about twice {@code getLong}'s time to produce one {@code Long}.
     *
     * @return the value, null when the key is absent, or {@link #UNDECIDED} for the general read
     */
    Object boxedLong(long key) {
        if (recording) {
            return UNDECIDED;
        }
        long hash = table.hashOfLong(key);
        int seg = table.segmentOf(hash);
        MemorySegment m = heap.mem();
        SegmentStamp segment = table.stamp(seg);
        long stamp = concurrent || writerCheck ? segment.read() : 0;
        if ((stamp & 1) != 0) {
            if (concurrent) {
                return UNDECIDED;
            }
            throw SegmentAccess.racingRead(seg);
        }
        long found = table.findInlineLong(m, segment, hash, key);
        if (found == HashTable.SLOW) {
            return UNDECIDED;
        }
        long value = found < 0 ? 0 : m.get(LONG, BucketLayout.valueOfLongKey(found));
        if (concurrent) {
            if (!segment.validate(stamp)) {
                return UNDECIDED;
            }
        } else if (writerCheck && segment.read() != stamp && !access.isClosed()) {
            throw SegmentAccess.racingRead(seg);
        }
        return found < 0 ? null : Long.valueOf(value);
    }

    /**
     * Whether the short read got as far as it may: {@link HashTable#findInlineLong} decided, and a value
     * to copy out was copied.
     */
    private boolean shortReadDone(MemorySegment m, long found, MemorySegment out) {
        return found != HashTable.SLOW && (out == null || found < 0 || table.slots.copyValue(m, found, out) != HashTable.SLOW);
    }

    /** The short read's answer, as {@link #readPrimitive} gives it: the value or {@code absent}; 1 or 0 for a copy. */
    private long shortReadResult(MemorySegment m, long found, MemorySegment out, long absent) {
        if (out != null) {
            return found < 0 ? 0 : 1;
        }
        return found < 0 ? absent : m.get(LONG, BucketLayout.valueOfLongKey(found));
    }

    /** The full primitive read of any key, through the read gate ({@link SegmentAccess#readPrimitive}). */
    long readPrimitive(int seg, long hash, MemorySegment key, long keyBits, MemorySegment out, long absent) {
        return access.readPrimitive(this, seg, hash, key, keyBits, out, absent);
    }

    /**
     * The two primitive reads: a long value, or a value copied into a caller's segment. One method
     * for both so {@link SegmentAccess#readPrimitive} can run either without allocating a lambda.
     */
    long primitiveRead(int seg, long hash, MemorySegment key, long keyBits, MemorySegment out, long absent) {
        long keyLength = key == null ? Long.BYTES : key.byteSize();
        long slot = bounds.lookup(seg, hash, key, keyLength, keyBits);
        if (out == null) {
            return slot < 0 ? absent : heap.mem().get(LONG, table.slots.valueOffset(seg, slot));
        }
        if (slot < 0) {
            return 0;
        }
        long length = table.slots.valueLength(seg, slot);
        if (length > out.byteSize()) {
            throw new IndexOutOfBoundsException("valueOut holds " + out.byteSize() + " bytes; the value is " + length
                    + " bytes");
        }
        MemorySegment.copy(heap.mem(), table.slots.valueOffset(seg, slot), out, 0, length);
        return 1;
    }
}

package io.hmapstore.table;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One segment's seqlock stamp, and the bucket array it guards for the short lookup
 * ({@link HashTable#findInlineLong}), in one object of the process's heap, padded so that no other
 * segment's stamp shares its cache lines. The table holds one per segment ({@link HashTable#stamp}).
 *
 * <pre>
 *   +--------+--------------------+-------+---------+------+--------------------+
 *   | header | padding (64 bytes) | stamp | buckets | mask | padding (64 bytes) |
 *   +--------+--------------------+-------+---------+------+--------------------+
 *                                 \__ the 24 bytes read ___/
 * </pre>
 *
 * <p>The stamp is even while the segment is stable and odd while a write is under way. A writer takes it
 * from even to odd by {@link #tryBegin} (a volatile read-modify-write, so no data store of its section is
 * seen before it) and back to even by {@link #end} (every data store is seen before it); an optimistic
 * reader loads it with {@link #read}, reads, and checks it again with {@link #validate}, as
 * {@code StampedLock} does.
 *
 * <p>{@code buckets} and {@code mask} are the segment's bucket array as its last writer checked it
 * ({@link BucketArrays}), {@code buckets} 0 where the lookup must take the general path. A writer sets
 * them before it releases the stamp, so a reader whose stamp validates read the pair that goes with the
 * header it saw. A reader that overlaps a write may read one field of the old pair and one of the new: it
 * then checks each bucket it reads against the mapping, and its stamp does not validate.
 *
 * <p>Why one object, and not the {@code long[]} of stamps and the array of checked-array records this
 * replaced. The lookup found its stamp by one array index (and its bounds check) and the checked array by
 * another, read the record's fields through one load more, and after the stamp's acquire had to load the
 * stamps' array again to validate; with one object in a register, the stamp and the array are three
 * adjacent fields of it. {@code getLong}, as C2 lays it out, went from 211 instructions to 200 on a hit and
 * from 188 to 180 on a miss ({@code benchmarks/hot-path.sh}); in rounds on a steady machine a hit took 2 %
 * less time and a miss 8 % (benchmarks/README.md, "What each guard costs").
 *
 * <p>Why not in the mapped segment header, where earlier versions kept the stamp. Only the process that
 * holds a file's lock opens it, and a stamp means nothing at rest. From the Java heap a read is one field
 * load instead of a mapped-memory access with its bounds, alignment and liveness checks, and it does not
 * share a line with the header's count, which writers store on every insert. The padding keeps writers on
 * different segments off each other's lines: HotSpot lays out a superclass's fields before its subclass's,
 * so the three classes put 64 bytes on either side of the fields.
 */
public final class SegmentStamp extends SegmentStampFields {
    private static final VarHandle STAMP;

    static {
        try {
            STAMP = MethodHandles.lookup().findVarHandle(SegmentStampFields.class, "stamp", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    long q0;
    long q1;
    long q2;
    long q3;
    long q4;
    long q5;
    long q6;
    long q7;

    /** @return the stamp an optimistic read starts from (an acquire load: none of the read's loads moves before it) */
    public long read() {
        return (long) STAMP.getAcquire(this);
    }

    /**
     * Whether an optimistic read that started at {@code stamp} saw a stable segment: the acquire fence keeps
     * the read's loads before this load of the stamp (StampedLock's validate).
     */
    public boolean validate(long stamp) {
        VarHandle.acquireFence();
        return (long) STAMP.getOpaque(this) == stamp;
    }

    /** A volatile load: whether a writer holds the segment. */
    boolean writing() {
        return ((long) STAMP.getVolatile(this) & 1) != 0;
    }

    /** @return the odd stamp, or -1 when another writer holds the segment */
    long tryBegin() {
        long s = (long) STAMP.getVolatile(this);
        if ((s & 1) != 0 || !STAMP.compareAndSet(this, s, s + 1)) {
            return -1;
        }
        return s + 1;
    }

    /** Makes the stamp even again after {@link #tryBegin} gave {@code odd}: a release store. */
    void end(long odd) {
        STAMP.setRelease(this, odd + 1);
    }

    /** Publishes a checked bucket array ({@code buckets} 0: none); the caller holds the stamp, or is alone. */
    void setArray(long buckets, long mask) {
        this.buckets = buckets;
        this.mask = mask;
    }
}

/** The 64 bytes before the fields (see {@link SegmentStamp}). */
abstract class SegmentStampPadding {
    long p0;
    long p1;
    long p2;
    long p3;
    long p4;
    long p5;
    long p6;
    long p7;
}

/** The fields a lookup reads (see {@link SegmentStamp}). */
abstract class SegmentStampFields extends SegmentStampPadding {
    /** Written only through {@code SegmentStamp}'s handle. */
    volatile long stamp;
    /** The checked bucket array's region offset, or 0 for none. */
    long buckets;
    /** Its bucket count minus one. */
    long mask;
}

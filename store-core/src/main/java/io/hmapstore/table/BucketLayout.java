package io.hmapstore.table;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Descriptor of a bucket (Go's {@code bmap}) for one store's key and value slot sizes. Each key sits
 * beside its value (Go keeps all keys, then all values): a lookup that finds its key usually finds the
 * value on the same cache line, so a hit reads one line fewer. Format version 2 made that change.
 *
 * <pre>
 *   0          8          16 (or 8)                                          pairs+8*ps
 *   +----------+----------+-----------+-----------+-----+-----------+----------------+--------------+
 *   |tophash[8]| meta[8]? | key0 val0 | key1 val1 | ... | key7 val7 | deadlines[8]?  | overflow u64 |
 *   +----------+----------+-----------+-----------+-----+-----------+----------------+--------------+
 *                          \_ ps = pairSize bytes: ks key bytes, vs value bytes, padding _/
 * </pre>
 *
 * <p>A pair is {@code ks + vs} bytes, rounded up to a multiple of 8 when {@code ks} is one, so that an
 * 8-byte key (the common case) is 8-aligned and never split across cache lines; other pairs are packed.
 *
 * <p>{@code meta} (one byte a slot, only in stores that evict) holds the slot's S3-FIFO access
 * frequency, 0 to 3. {@code deadlines} (a u64 a slot, only in stores that expire, 8-aligned) holds the
 * epoch millisecond after which the entry is dead, 0 for never. Both move with their slot.
 *
 * <p>A key slot holds the key's bytes when its codec is fixed-size, else an 8-byte entry offset. A
 * value slot holds the value's bytes when fixed-size; when the value is variable-size it lives in the
 * entry: the key's entry when the key is variable too (no value slot then), otherwise an entry the
 * value slot points to.
 *
 * <p>Tophash values are Go's: {@link #EMPTY_REST} (this and every later slot of the chain is
 * empty), {@link #EMPTY_ONE}, {@link #EVACUATED_X}, {@link #EVACUATED_Y}, {@link #EVACUATED_EMPTY},
 * and from {@link #MIN_TOPHASH} the hash's top byte. Publication rule: a slot's key and value are
 * written first and its tophash last, so a tophash that names a hash always names a complete slot.
 * The overflow offset is 0 for none; a new overflow bucket is linked only after a store-store fence, so
 * a chain never names a bucket whose header is not written. All accessors here are plain
 * ({@code package-info.java}): buckets are written by the segment's writer only, and the fences that
 * order them are the writer's ({@code HashTable.publish()}).
 */
public final class BucketLayout {
    public static final int SLOTS = 8;
    static final long TOPHASH = 0;

    static final int EMPTY_REST = 0;
    static final int EMPTY_ONE = 1;
    static final int EVACUATED_X = 2;
    static final int EVACUATED_Y = 3;
    static final int EVACUATED_EMPTY = 4;
    public static final int MIN_TOPHASH = 5;

    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;

    private static final long BYTES_01 = 0x0101_0101_0101_0101L;
    private static final long BYTES_7F = 0x7F7F_7F7F_7F7F_7F7FL;

    /** The most an access frequency counts to (S3-FIFO's two bits). */
    static final int MAX_FREQUENCY = 3;

    /** The cache line {@link #laterLines} assumes: x86-64's, and most ARM cores'. */
    static final int CACHE_LINE = 64;

    final int keySlot;
    final int valueSlot;
    final boolean hasMeta;
    final boolean hasDeadlines;
    final long meta;
    /** Where the first key/value pair starts. */
    final long pairs;
    /** Bytes from one key to the next: its key slot, its value slot, and padding. */
    final long pairSize;
    final long deadlines;
    public final long overflow;
    public final long size;
    /**
     * Whether a bucket is longer than two cache lines and no longer than three, as one of 8-byte keys and
     * values is (144 bytes: from a page-aligned array such buckets start 0, 16, 32 or 48 bytes into a line,
     * so each spans exactly three), so that {@link #laterLines} reads its second line and its third.
     */
    final boolean threeLines;

    BucketLayout(int keySlot, int valueSlot, boolean hasMeta, boolean hasDeadlines) {
        this.keySlot = keySlot;
        this.valueSlot = valueSlot;
        this.hasMeta = hasMeta;
        this.hasDeadlines = hasDeadlines;
        this.meta = TOPHASH + SLOTS;
        this.pairs = meta + (hasMeta ? SLOTS : 0);
        this.pairSize = keySlot % Long.BYTES == 0 ? align8(keySlot + valueSlot) : keySlot + valueSlot;
        this.deadlines = align8(pairs + SLOTS * pairSize);
        this.overflow = deadlines + (hasDeadlines ? (long) SLOTS * Long.BYTES : 0);
        this.size = overflow + Long.BYTES;
        this.threeLines = size > 2 * CACHE_LINE + Long.BYTES && size <= 3 * CACHE_LINE;
    }

    /**
     * The layout of a table whose codecs have these fixed sizes: a fixed-size key or value sits in the
     * slot, a variable-size one ({@code size <= 0}) in an entry the slot refers to by an 8-byte offset
     * (one reference per slot: the key's, or the value's when only the value is variable).
     *
     * @param keySize the key codec's fixed size, or a non-positive number for variable
     * @param valueSize the value codec's fixed size, or a non-positive number for variable
     * @param meta whether buckets carry S3-FIFO frequencies
     * @param deadlines whether buckets carry expiry deadlines
     * @return the layout
     */
    public static BucketLayout forSizes(int keySize, int valueSize, boolean meta, boolean deadlines) {
        boolean keyInline = keySize > 0;
        int keySlot = keyInline ? keySize : Long.BYTES;
        int valueSlot = valueSize > 0 ? valueSize : (keyInline ? Long.BYTES : 0);
        return new BucketLayout(keySlot, valueSlot, meta, deadlines);
    }

    /** @return the overflow offset of bucket {@code b}, unchecked; 0 for none */
    long overflow(MemorySegment m, long b) {
        return m.get(LONG, b + overflow);
    }

    void setOverflow(MemorySegment m, long b, long value) {
        m.set(LONG, b + overflow, value);
    }

    /** @return the region offset of bucket {@code b}'s overflow link, for messages */
    long overflowOffset(long b) {
        return b + overflow;
    }

    long metaAt(long bucket, int slot) {
        return bucket + meta + slot;
    }

    long deadlineAt(long bucket, int slot) {
        return bucket + deadlines + (long) slot * Long.BYTES;
    }

    public long keyAt(long bucket, int slot) {
        return bucket + pairs + slot * pairSize;
    }

    /** @return the region offset of slot {@code slot}'s value: right after its key */
    public long valueAt(long bucket, int slot) {
        return keyAt(bucket, slot) + keySlot;
    }

    /** @return the region offset of the value slot of the 8-byte key at {@code keyOffset}: the next 8 bytes */
    public static long valueOfLongKey(long keyOffset) {
        return keyOffset + Long.BYTES;
    }

    /**
     * The words 64 and 128 bytes into bucket {@code b}, XORed: one load from each of a {@link #threeLines}
     * bucket's later cache lines (bucket offsets are 8-aligned, so both loads are aligned), which do not
     * wait for its tophash word.
     */
    long laterLines(MemorySegment m, long b) {
        return m.get(LONG, b + CACHE_LINE) ^ m.get(LONG, b + 2 * CACHE_LINE);
    }

    /** @return slot {@code i}'s tophash, 0 to 255 */
    public static int tophash(MemorySegment m, long b, int i) {
        return m.get(BYTE, b + TOPHASH + i) & 0xFF;
    }

    static void setTophash(MemorySegment m, long b, int i, int value) {
        m.set(BYTE, b + TOPHASH + i, (byte) value);
    }

    /**
     * @return all eight tophash bytes of bucket {@code b} in one load: byte {@code i} (read
     *     little-endian, as the machine stores it) is slot {@code i}
     */
    static long tophashWord(MemorySegment m, long b) {
        return m.get(LONG, b + TOPHASH);
    }

    /** @return {@code top} in every byte, to compare with a {@link #tophashWord} at once */
    static long broadcast(int top) {
        return top * BYTES_01;
    }

    /**
     * 0x80 in every byte of {@code x} that is zero, 0 elsewhere; exact (no false positive from a
     * borrow, unlike the shorter {@code (x - 0x01..) & ~x & 0x80..}).
     */
    static long zeroBytes(long x) {
        return ~(((x & BYTES_7F) + BYTES_7F) | x | BYTES_7F);
    }

    /** 0x80 in every byte of {@code x} that is an empty tophash ({@code EMPTY_REST}, {@code EMPTY_ONE}), 0 elsewhere. */
    static long emptyBytes(long x) {
        return zeroBytes(x & ~BYTES_01);
    }

    static boolean isEmpty(int tophash) {
        return tophash <= EMPTY_ONE;
    }

    static boolean isEvacuated(int tophash) {
        return tophash > EMPTY_ONE && tophash < MIN_TOPHASH;
    }

    public static int tophash(long hash) {
        int top = (int) (hash >>> 56);
        return top < MIN_TOPHASH ? top + MIN_TOPHASH : top;
    }

    private static long align8(long n) {
        return (n + 7) & ~7L;
    }
}

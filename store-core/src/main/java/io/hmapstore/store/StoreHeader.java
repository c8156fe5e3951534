package io.hmapstore.store;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * Descriptor of page 0 of a store's region, the superblock: what the store is, checked before
 * anything else in a file is trusted. Segment headers start on the next page.
 *
 * <pre>
 *   0        8         12          16            20          24          28            32
 *   +--------+---------+-----------+-------------+-----------+-----------+-------------+
 *   | magic  | version | page size | segment bits| key size  | value size| initial B   |
 *   | u64    | u32     | u32       | u32         | i32       | i32       | u32         |
 *   +--------+---------+-----------+-------------+-----------+-----------+-------------+
 *   32         40                     104                    168          172        176
 *   +----------+----------------------+----------------------+------------+----------+
 *   | seed u64 | key codec id [64]    | value codec id [64]  | features   | crc32c   |   (static part)
 *   +----------+----------------------+----------------------+------------+----------+
 *   256        260       264         272                 280
 *   +----------+---------+-----------+-------------------+
 *   | state u32| pad     | heap top  | dirty until u64   |                  (dynamic part)
 *   +----------+---------+-----------+-------------------+
 * </pre>
 *
 * <p>The static part is written once, when the store is created, and sealed with a CRC32C over bytes
 * [0, 172). {@code features} says which optional per-slot state the buckets carry
 * ({@link #FEATURE_EVICTION}, {@link #FEATURE_EXPIRY}), since it changes the bucket layout. The dynamic part changes while the store is open and is not covered by the CRC, so a crash
 * in the middle of updating it cannot make the file unreadable; each of its fields is range-checked
 * instead. Sizes are a codec's fixed size, or -1 for variable-size codecs; codec ids are UTF-8,
 * zero-padded. {@code state} is {@link #CLEAN} only between a completed {@code close()} and the next
 * open; a file found {@link #DIRTY} is recovered. {@code heap top} is recorded before a block past the
 * old top is used; below {@code dirty until} the heap may hold old bytes (after {@code clear()}).
 */
public final class StoreHeader {
    /** "HMAPSTOR" in ASCII, read as a little-endian u64. */
    static final long MAGIC_VALUE = 0x524F5453_50414D48L;
    /**
     * The version of every layout in the file. 2: each key sits beside its value in a bucket
     * ({@code BucketLayout}); 1 kept all keys, then all values.
     */
    static final int FORMAT_VERSION = 2;
    static final int CODEC_ID_BYTES = 64;

    static final long MAGIC = 0;
    static final long VERSION = 8;
    static final long PAGE_SIZE = 12;
    static final long SEGMENT_BITS = 16;
    static final long KEY_SIZE = 20;
    static final long VALUE_SIZE = 24;
    static final long INITIAL_LOG2 = 28;
    static final long SEED = 32;
    static final long KEY_CODEC = 40;
    static final long VALUE_CODEC = KEY_CODEC + CODEC_ID_BYTES;
    static final long FEATURES = VALUE_CODEC + CODEC_ID_BYTES;
    static final long CRC = FEATURES + 4;
    static final long STATIC_BYTES = CRC;

    static final long STATE = 256;
    static final long HEAP_TOP = 264;
    static final long DIRTY_UNTIL = 272;

    /** Buckets carry S3-FIFO frequencies (a store opened with maxEntries or maxBytes). */
    static final int FEATURE_EVICTION = 1;
    /** Buckets carry expiry deadlines (a store opened with expireAfterWrite). */
    static final int FEATURE_EXPIRY = 2;

    static final int CLEAN = 0x434C454E;
    static final int DIRTY = 0x44495254;

    private StoreHeader() {
    }

    static void writeCodecId(MemorySegment m, long at, String id) {
        byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > CODEC_ID_BYTES) {
            throw new IllegalArgumentException("codec id '" + id + "' is " + bytes.length + " bytes; the limit is "
                    + CODEC_ID_BYTES);
        }
        m.asSlice(at, CODEC_ID_BYTES).fill((byte) 0);
        MemorySegment.copy(bytes, 0, m, ValueLayout.JAVA_BYTE, at, bytes.length);
    }

    static String readCodecId(MemorySegment m, long at) {
        byte[] bytes = m.asSlice(at, CODEC_ID_BYTES).toArray(ValueLayout.JAVA_BYTE);
        int n = 0;
        while (n < bytes.length && bytes[n] != 0) {
            n++;
        }
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }

    static int crc(MemorySegment m) {
        CRC32C crc = new CRC32C();
        crc.update(m.asSlice(0, STATIC_BYTES).asByteBuffer());
        return (int) crc.getValue();
    }

    /**
     * @return why a file of another format version is refused, naming both versions and which side is
     *     newer
     */
    static String otherVersion(Object path, int version) {
        return "store file " + path + " has format version " + version + "; this hmapstore reads version "
                + FORMAT_VERSION + (version > FORMAT_VERSION ? " (the file was written by a newer hmapstore)"
                        : " (the file was written by an older hmapstore, and the layout has changed since)");
    }
}

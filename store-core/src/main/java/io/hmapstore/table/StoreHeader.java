package io.hmapstore.table;

/**
 * Descriptor of page 0 of a store's region: what the store is, so that a file can later be recognised
 * and checked before anything else in it is trusted. Segment headers start on the next page.
 *
 * <pre>
 *   0        8         12          16           20          24        32         40
 *   +--------+---------+-----------+------------+-----------+---------+----------+
 *   | magic  | version | page size | segment    | key size  | value   | seed u64 |
 *   | u64    | u32     | u32       | bits u32   | i32       | size i32|          |
 *   +--------+---------+-----------+------------+-----------+---------+----------+
 * </pre>
 *
 * <p>Sizes are a codec's fixed size, or -1 for variable-size codecs.
 */
final class StoreHeader {
    /** "HMAPSTOR" in ASCII, read as a little-endian u64. */
    static final long MAGIC_VALUE = 0x524F5453_50414D48L;
    static final int FORMAT_VERSION = 1;

    static final long MAGIC = 0;
    static final long VERSION = 8;
    static final long PAGE_SIZE = 12;
    static final long SEGMENT_BITS = 16;
    static final long KEY_SIZE = 20;
    static final long VALUE_SIZE = 24;
    static final long SEED = 32;

    private StoreHeader() {
    }
}

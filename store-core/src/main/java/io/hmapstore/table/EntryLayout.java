package io.hmapstore.table;

import io.hmapstore.heap.BlockHeader;
/**
 * Descriptor of an entry in the entry heap: the variable-size key and/or value of one mapping. A
 * bucket slot refers to it by the offset of its payload (see {@link BlockHeader}).
 *
 * <pre>
 *   0                4                8                 8+keyLength
 *   +----------------+----------------+-----------------+-------------------+
 *   | keyLength u32  | valueLength u32| key bytes ...   | value bytes ...   |
 *   +----------------+----------------+-----------------+-------------------+
 * </pre>
 *
 * <p>A fixed-size key stays inline in its bucket, so an entry that holds only a value has
 * {@code keyLength == 0}; a fixed-size value stays inline too, so an entry that holds only a key has
 * {@code valueLength == 0}. Entries are immutable once published: an update writes a new entry and
 * frees the old one, so a view's generation check is enough to detect a replaced value.
 */
public final class EntryLayout {
    static final long KEY_LENGTH = 0;
    static final long VALUE_LENGTH = 4;
    public static final long DATA = 8;

    /** Lengths are u32; keep them clear of the sign bit. */
    public static final long MAX_PART = Integer.MAX_VALUE - 64;

    private EntryLayout() {
    }
}

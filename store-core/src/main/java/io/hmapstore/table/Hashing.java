package io.hmapstore.table;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The store's seeded 64-bit hash of a key's encoded bytes.
 *
 * <p>Implementation notes: each 8-byte little-endian word is folded in with a multiply-rotate round
 * (as in xxHash's accumulators) and the result finished with MurmurHash3's {@code fmix64}, whose
 * avalanche makes both the top byte (the tophash) and the low bits (the bucket) usable at once.
 * {@link #ofLong} is the same function specialised to one 8-byte word, so a key reached through
 * {@code getLong} and the same key reached through its encoded bytes hash alike.
 */
final class Hashing {
    private static final long P1 = 0x9E3779B185EBCA87L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;
    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED;

    private Hashing() {
    }

    static long ofLong(long key, long seed) {
        return fmix(round(seed ^ (8 * P1), key));
    }

    static long ofBytes(MemorySegment source, long offset, long length, long seed) {
        long h = seed ^ (length * P1);
        long i = 0;
        for (; i + 8 <= length; i += 8) {
            h = round(h, source.get(WORD, offset + i));
        }
        if (i < length) {
            long tail = 0;
            for (int shift = 0; i < length; i++, shift += 8) {
                tail |= (source.get(ValueLayout.JAVA_BYTE, offset + i) & 0xFFL) << shift;
            }
            h = round(h, tail);
        }
        return fmix(h);
    }

    private static long round(long h, long word) {
        return Long.rotateLeft(h ^ (word * P2), 31) * P1;
    }

    private static long fmix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}

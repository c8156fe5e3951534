package io.hmapstore.table;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/**
 * The SWAR tests lookups and inserts run on a bucket's eight tophash bytes at once, against a byte-by-byte
 * oracle: a false positive would compare a wrong key or overwrite a live slot, a false negative would
 * miss a key or a free slot.
 */
class TophashWordTest {

    private static long oracle(long word, IntPredicate selected) {
        long mask = 0;
        for (int i = 0; i < BucketLayout.SLOTS; i++) {
            if (selected.test((int) (word >>> (8 * i)) & 0xFF)) {
                mask |= 0x80L << (8 * i);
            }
        }
        return mask;
    }

    /** Every byte value in every position, among neighbours that are random, zero or 0x80. */
    private static long[] words() {
        SplittableRandom random = new SplittableRandom(7);
        long[] fillers = {0, -1, 0x8080_8080_8080_8080L, 0x0101_0101_0101_0101L, random.nextLong()};
        long[] words = new long[fillers.length * 8 * 256 + 100_000];
        int n = 0;
        for (long filler : fillers) {
            for (int position = 0; position < 8; position++) {
                for (int value = 0; value < 256; value++) {
                    long clear = filler & ~(0xFFL << (8 * position));
                    words[n++] = clear | ((long) value << (8 * position));
                }
            }
        }
        while (n < words.length) {
            // Mostly small bytes, where the borrow from one byte into the next would show.
            long w = 0;
            for (int i = 0; i < 8; i++) {
                w |= (long) (random.nextInt(4) == 0 ? random.nextInt(256) : random.nextInt(8)) << (8 * i);
            }
            words[n++] = w;
        }
        return words;
    }

    @Test
    void zeroBytes_marksExactlyTheZeroBytes() {
        for (long word : words()) {
            assertEquals(oracle(word, b -> b == 0), BucketLayout.zeroBytes(word), () -> Long.toHexString(word));
        }
    }

    @Test
    void emptyBytes_marksExactlyTheEmptyTophashes() {
        for (long word : words()) {
            assertEquals(oracle(word, BucketLayout::isEmpty), BucketLayout.emptyBytes(word), () -> Long.toHexString(word));
        }
    }

    @Test
    void matchingATophash_marksExactlyItsBytes() {
        for (long word : words()) {
            int top = (int) (word >>> 24) & 0xFF;
            assertEquals(oracle(word, b -> b == top), BucketLayout.zeroBytes(word ^ top * 0x0101_0101_0101_0101L),
                    () -> Long.toHexString(word) + " / " + top);
        }
    }
}

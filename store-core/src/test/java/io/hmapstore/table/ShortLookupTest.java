package io.hmapstore.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.hmapstore.Codecs;
import io.hmapstore.Concurrency;
import io.hmapstore.OffHeapMap;
import io.hmapstore.store.TableStore;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * {@link HashTable#findInlineLong}, the short lookup {@code getLong} inlines: it answers for a chain of up
 * to {@link HashTable#SHORT_CHAIN} overflow buckets as the general lookup does, and leaves a longer chain,
 * a link it cannot check, or a first bucket past its mapping (a bucket array read across a writer's
 * publication, {@link SegmentStamp}) to the general lookup ({@link HashTable#SLOW}), never reading it;
 * and the update in place's form of it ({@link HashTable#findInlineLongToUpdate}) leaves a bucket whose
 * early-loaded words match {@link HashTable#LATER_LINES_MARK} to the lock.
 */
class ShortLookupTest {
    private static final long SEED = 7;

    private static TableStore<Long, Long> longs() {
        return (TableStore<Long, Long>) OffHeapMap.of(Codecs.longs(), Codecs.longs())
                .concurrency(Concurrency.CONCURRENT).expectedEntries(1000).seed(SEED).open();
    }

    /** Keys of segment 0 whose hash falls into bucket {@code bucket}, {@code n} of them. */
    private static List<Long> keysInBucket(HashTable t, long bucket, int n) {
        long mask = (1L << t.log2Buckets(0)) - 1;
        List<Long> keys = new ArrayList<>();
        for (long k = 0; keys.size() < n; k++) {
            long h = Hashing.ofLong(k, SEED);
            if (t.segmentOf(h) == 0 && (h & mask) == bucket) {
                keys.add(k);
            }
        }
        return keys;
    }

    private static long shortLookup(TableStore<Long, Long> store, long key) {
        HashTable t = store.table();
        return t.findInlineLong(store.memory(), t.stamp(0), Hashing.ofLong(key, SEED), key);
    }

    /** @return the key's offset as the general lookup finds it, which is what the short one answers */
    private static long generalLookup(TableStore<Long, Long> store, long key) {
        long slot = store.table().find(0, Hashing.ofLong(key, SEED), null, 0, Long.BYTES, key);
        return slot < 0 ? slot : store.table().slots.keyOffset(0, slot);
    }

    @Test
    void aChainOfFullBuckets_isSearchedWhole_hitsAndMissesAlike() {
        try (TableStore<Long, Long> store = longs()) {
            // 20 keys in one bucket: the bucket and two overflow buckets, the last not full. One more
            // key of that bucket, never stored, is a miss that must read all three.
            List<Long> keys = keysInBucket(store.table(), 6, 21);
            for (int i = 0; i < 20; i++) {
                store.putLong(keys.get(i), 100 + i);
            }
            assertEquals(2, store.table().overflowBuckets(0));
            for (int i = 0; i < 20; i++) {
                long slot = shortLookup(store, keys.get(i));
                assertEquals(generalLookup(store, keys.get(i)), slot, "key " + i + " of the chain");
            }
            assertEquals(-1, shortLookup(store, keys.get(20)), "a miss at the end of the chain");

            // Sixteen keys fill the bucket and one overflow bucket, which then has no link: a miss ends there.
            for (int i = 16; i < 20; i++) {
                store.remove(keys.get(i));
            }
            assertEquals(-1, shortLookup(store, keys.get(20)), "a miss in a full chain without a next bucket");
        }
    }

    @Test
    void aChainLongerThanTheShortOne_isLeftToTheGeneralLookup() {
        try (TableStore<Long, Long> store = longs()) {
            int chain = HashTable.SHORT_CHAIN + 2;
            List<Long> keys = keysInBucket(store.table(), 2, 8 * chain);
            for (int i = 0; i < keys.size(); i++) {
                store.putLong(keys.get(i), i);
            }
            long first = keys.get(0);
            long last = keys.get(keys.size() - 1);
            assertNotEquals(HashTable.SLOW, shortLookup(store, first));
            assertEquals(HashTable.SLOW, shortLookup(store, last), "the key is past the short chain");
            assertEquals(keys.size() - 1, store.getLong(last, -1), "and getLong finds it through the general lookup");
        }
    }

    @Test
    void aLinkThatNamesNoOverflowBucket_isNotFollowed() {
        try (TableStore<Long, Long> store = longs()) {
            HashTable t = store.table();
            List<Long> keys = keysInBucket(t, 5, 9);
            for (int i = 0; i < 8; i++) {
                store.putLong(keys.get(i), i);
            }
            // Forge a bucket holding the ninth key in the store header page and aim the full bucket's
            // link at it, as a flipped byte might: the short lookup must not read a value from it.
            MemorySegment m = store.memory();
            long absent = keys.get(8);
            ForgedBucket.linkFrom(m, t, 5, 0x800, absent, 666L, SEED);
            long array = m.get(ValueLayout.JAVA_LONG, t.header(0) + SegmentHeader.BUCKETS);

            assertEquals(HashTable.SLOW, shortLookup(store, absent));
            // A link past the mapping is not followed either.
            m.set(ValueLayout.JAVA_LONG, array + 5 * t.layout.size + t.layout.overflow, m.byteSize() - 8);
            assertEquals(HashTable.SLOW, shortLookup(store, absent));
        }
    }

    @Test
    void anUpdateInPlace_whoseBucketsLaterLinesMatchTheMark_isLeftToTheLock_andReadsAreNot() {
        try (TableStore<Long, Long> store = longs()) {
            HashTable t = store.table();
            List<Long> keys = keysInBucket(t, 4, 8);
            // Slots fill in order, so slot i holds key i; in a bucket of long keys and values the words 64
            // and 128 bytes in are slot 3's value and slot 7's, which the update's early loads read.
            for (int i = 0; i < 8; i++) {
                store.putLong(keys.get(i), i == 3 ? HashTable.LATER_LINES_MARK : 0);
            }
            long b = t.stamp(0).buckets + 4 * t.layout.size;
            assertEquals(b + 64, t.layout.valueAt(b, 3));
            assertEquals(b + 128, t.layout.valueAt(b, 7));
            long first = keys.get(0);
            long hash = Hashing.ofLong(first, SEED);

            assertEquals(-1, t.writes.longValueInPlace(0, hash, first), "the two words match the mark");
            store.putLong(first, 5);
            assertEquals(5, store.getLong(first, -1), "the put took the lock instead");
            assertEquals(generalLookup(store, keys.get(3)), shortLookup(store, keys.get(3)), "a read does not look");

            store.putLong(keys.get(7), 1);
            assertNotEquals(-1, t.writes.longValueInPlace(0, hash, first), "the words no longer match");
            assertEquals(1, store.getLong(keys.get(7), -1));
        }
    }

    @Test
    void anArrayReadAcrossAPublication_thatPointsPastTheMapping_isLeftToTheGeneralLookup() {
        try (TableStore<Long, Long> store = longs()) {
            HashTable t = store.table();
            long key = keysInBucket(t, 3, 1).get(0);
            store.putLong(key, 42);
            SegmentStamp stamp = t.stamp(0);
            long buckets = stamp.buckets;
            long mask = stamp.mask;
            assertEquals(generalLookup(store, key), shortLookup(store, key));

            // A reader that overlaps a writer's publication may pair the new array's offset with another
            // array's mask (its stamp then fails), and compute a bucket past its mapping.
            long wideMask = (1L << 31) - 1;
            stamp.setArray(buckets, wideMask);
            long lastBucket = store.memory().byteSize() - t.layout.size;
            long farKey = LongStream.iterate(0, k -> k + 1).filter(k -> {
                long h = Hashing.ofLong(k, SEED);
                return t.segmentOf(h) == 0 && buckets + (h & wideMask) * t.layout.size > lastBucket;
            }).findFirst().orElseThrow();
            assertEquals(HashTable.SLOW, shortLookup(store, farKey), "not read, and nothing thrown");

            stamp.setArray(buckets, mask);
            assertEquals(generalLookup(store, key), shortLookup(store, key), "the published pair answers again");
            assertEquals(42, store.getLong(key, -1));
        }
    }
}

package io.hmapstore.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hmapstore.Codecs;
import io.hmapstore.Concurrency;
import io.hmapstore.CorruptedStoreException;
import io.hmapstore.Guard;
import io.hmapstore.OffHeapMap;
import io.hmapstore.memory.ReleasePolicy;
import io.hmapstore.store.TableStore;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The corrupt-offset and unmade-map guards, both ways: the test damages the store's memory as a
 * flipped byte in a file or a stray write would, then shows what a lookup does with and without the
 * guard.
 */
class CorruptionTest {
    private static final long SEED = 42;

    private static TableStore<Long, Long> longs(Guard... off) {
        return (TableStore<Long, Long>) OffHeapMap.of(Codecs.longs(), Codecs.longs())
                .concurrency(Concurrency.SINGLE_WRITER).expectedEntries(1000).seed(SEED)
                .releasePolicy(ReleasePolicy.DONTNEED).withoutGuards(off).open();
    }

    /** Keys of segment 0 whose hash falls into bucket {@code bucket} of a 2^log2 array. */
    private static List<Long> keysInBucket(HashTable t, int log2, long bucket, int n) {
        List<Long> keys = new ArrayList<>();
        for (long k = 0; keys.size() < n; k++) {
            long h = Hashing.ofLong(k, SEED);
            if (t.segmentOf(h) == 0 && (h & ((1L << log2) - 1)) == bucket) {
                keys.add(k);
            }
        }
        return keys;
    }

    private static long bucketArray(TableStore<?, ?> store, int seg) {
        return store.memory().get(ValueLayout.JAVA_LONG, store.table().header(seg) + SegmentHeader.BUCKETS);
    }

    @Test
    void overflowOffset_damaged_throwsCorruptedNamingSegmentBucketAndOffset() {
        try (TableStore<Long, Long> store = longs()) {
            HashTable t = store.table();
            int log2 = t.log2Buckets(0);
            List<Long> keys = keysInBucket(t, log2, 5, 9);
            for (int i = 0; i < 8; i++) {
                store.putLong(keys.get(i), i);
            }
            long bucket = bucketArray(store, 0) + 5 * t.layout.size;
            long field = bucket + t.layout.overflow;
            store.memory().set(ValueLayout.JAVA_LONG, field, 0x123457L);

            CorruptedStoreException e = assertThrows(CorruptedStoreException.class, () -> store.getLong(keys.get(8), -1));
            assertTrue(e.getMessage().contains("segment 0, bucket 5, offset 0x" + Long.toHexString(field)), e.getMessage());
            assertTrue(e.getMessage().contains("0x123457"), e.getMessage());
            assertTrue(e.getMessage().contains("expected 0 or an overflow bucket in heap [0x"), e.getMessage());
            assertTrue(e.getMessage().contains("mapping: "), e.getMessage());
            assertFalse(store.verify().isClean());
        }
    }

    @Test
    void overflowOffset_damagedWithoutGuard_followsItIntoForgedBytes() {
        try (TableStore<Long, Long> guarded = longs(); TableStore<Long, Long> unguarded = longs(Guard.OFFSET_CHECK)) {
            for (TableStore<Long, Long> store : List.of(guarded, unguarded)) {
                HashTable t = store.table();
                List<Long> keys = keysInBucket(t, t.log2Buckets(0), 5, 9);
                for (int i = 0; i < 8; i++) {
                    store.putLong(keys.get(i), i);
                }
                // Forge a bucket inside the store header page holding key 9 -> 666, and aim the
                // full bucket's overflow offset at it, as a flipped byte might.
                MemorySegment m = store.memory();
                ForgedBucket.linkFrom(m, t, 5, 0x800, keys.get(8), 666L, SEED);
                m.set(ValueLayout.JAVA_INT, t.header(0) + SegmentHeader.NOVERFLOW, 1);
            }
            long absent = keysInBucket(guarded.table(), guarded.table().log2Buckets(0), 5, 9).get(8);
            assertEquals(666L, unguarded.getLong(absent, -1),
                    "without the guard the lookup reads a value out of foreign memory");
            CorruptedStoreException e = assertThrows(CorruptedStoreException.class, () -> guarded.getLong(absent, -1));
            assertTrue(e.getMessage().contains("found 0x800"), e.getMessage());
        }
    }

    @Test
    void overflowChain_cyclic_isCaughtNotLooped() {
        try (TableStore<Long, Long> store = longs()) {
            HashTable t = store.table();
            List<Long> keys = keysInBucket(t, t.log2Buckets(0), 3, 17);
            for (int i = 0; i < 16; i++) {
                store.putLong(keys.get(i), i);
            }
            assertEquals(1, t.overflowBuckets(0), "16 keys in one bucket need exactly one overflow bucket");
            MemorySegment m = store.memory();
            long primary = bucketArray(store, 0) + 3 * t.layout.size;
            long overflow = m.get(ValueLayout.JAVA_LONG, primary + t.layout.overflow);
            m.set(ValueLayout.JAVA_LONG, overflow + t.layout.overflow, overflow);

            CorruptedStoreException e = assertThrows(CorruptedStoreException.class, () -> store.getLong(keys.get(16), -1));
            assertTrue(e.getMessage().contains("cyclic chain"), e.getMessage());
            assertTrue(e.getMessage().contains("bucket 3"), e.getMessage());
            assertFalse(store.verify().isClean(), "verify reports the cycle too");
        }
    }

    @Test
    void entryOffset_damaged_throwsCorruptedNamingTheSlot() {
        try (TableStore<String, String> store = (TableStore<String, String>) OffHeapMap.of(Codecs.utf8(), Codecs.utf8())
                .concurrency(Concurrency.SINGLE_WRITER).seed(SEED).open()) {
            store.put("alice", "x");
            HashTable t = store.table();
            int seg = 0;
            long array = bucketArray(store, seg);
            MemorySegment m = store.memory();
            long slot = -1;
            for (long b = 0; b < (1L << t.log2Buckets(seg)) && slot < 0; b++) {
                if ((m.get(ValueLayout.JAVA_BYTE, array + b * t.layout.size) & 0xFF) >= BucketLayout.MIN_TOPHASH) {
                    slot = t.layout.keyAt(array + b * t.layout.size, 0);
                }
            }
            assertTrue(slot > 0, "the entry's slot was found");
            m.set(ValueLayout.JAVA_LONG_UNALIGNED, slot, 0x40L);

            CorruptedStoreException e = assertThrows(CorruptedStoreException.class, () -> store.get("alice"));
            assertTrue(e.getMessage().contains("offset 0x" + Long.toHexString(slot)), e.getMessage());
            assertTrue(e.getMessage().contains("expected an entry in heap"), e.getMessage());
            long damaged = slot;
            assertTrue(store.verify().problems().stream().anyMatch(p -> p.offset() == damaged), store.verify().toString());
        }
    }

    @Test
    void unmadeSegment_withoutGuard_writeLandsAtOffsetZeroPlusBucket() {
        try (TableStore<Long, Long> store = longs(Guard.MAKE_BEFORE_WRITE, Guard.OFFSET_CHECK)) {
            HashTable t = store.table();
            long hash = Hashing.ofLong(7, SEED);
            long misplaced = (hash & ((1L << t.log2Buckets(0)) - 1)) * t.layout.size;
            store.putLong(7, 8);
            MemorySegment m = store.memory();
            assertEquals(0, bucketArray(store, 0), "no bucket array was ever made");
            assertEquals(BucketLayout.tophash(hash), m.get(ValueLayout.JAVA_BYTE, misplaced) & 0xFF,
                    "the write went to offset 0 + bucket * size, over the store's own headers");
            assertEquals(7L, m.get(ValueLayout.JAVA_LONG_UNALIGNED, t.layout.keyAt(misplaced, 0)));
        }
    }

    @Test
    void unmadeSegment_withGuard_isMadeLazilyAndHeaderStaysIntact() {
        try (TableStore<Long, Long> store = longs()) {
            MemorySegment m = store.memory();
            assertEquals(0, bucketArray(store, 0), "segments start unmade");
            byte[] before = m.asSlice(0, t0(store)).toArray(ValueLayout.JAVA_BYTE);
            store.putLong(7, 8);
            assertNotEquals(0, bucketArray(store, 0));
            assertTrue(java.util.Arrays.equals(before, m.asSlice(0, t0(store)).toArray(ValueLayout.JAVA_BYTE)),
                    "headers unchanged but for the segment's own fields");
            assertEquals(8, store.getLong(7, -1));
            assertTrue(store.verify().isClean());
        }
    }

    /** Bytes before segment 0's header: the store header page. */
    private static long t0(TableStore<?, ?> store) {
        return store.table().header(0);
    }

    @Test
    void unmadeSegment_withEntriesCounted_refusesTheWriteNamingTheSegment() {
        try (TableStore<Long, Long> store = longs()) {
            store.memory().set(ValueLayout.JAVA_LONG, store.table().header(0) + SegmentHeader.COUNT, 3L);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> store.putLong(1, 2));
            assertTrue(e.getMessage().contains("segment 0 holds 3 entries but has no bucket array"), e.getMessage());
            assertNull(store.get(99L));
        }
    }
}

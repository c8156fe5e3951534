package io.hmapstore.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hmapstore.Codecs;
import io.hmapstore.Concurrency;
import io.hmapstore.ConcurrentWriteException;
import io.hmapstore.OffHeapMap;
import io.hmapstore.table.HashTable;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The concurrent store's in-place updates ({@link InPlaceUpdates}): a put of a long to a present long key
 * replaces the value without the segment's lock, and a lock holder waits for the updaters in its segment
 * before it moves or reuses a slot. (The race itself, an update against a removal that gives the slot to
 * another key, is jcstress's {@code InPlaceUpdateRace}.) A single-writer store's update of a present long
 * key ({@code SegmentWrites.updateAlone}) replaces the value within its write section and does nothing
 * else of a write, but still takes the stamp, so its writer check stands.
 */
class InPlaceUpdatesTest {

    @Test
    void aLockHolder_waitsForTheUpdaterInItsSegment_andNoOther() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            InPlaceUpdates updates = new InPlaceUpdates(2);
            int cell = updates.enter(3);
            assertTrue(cell >= 0);
            assertEquals(-1, updates.enter(5), "a thread whose cell is held takes the lock instead");
            updates.drain(4);  // returns at once: nobody updates segment 4
            Thread holder = new Thread(() -> updates.drain(3));
            holder.start();
            holder.join(200);
            assertTrue(holder.isAlive(), "the lock holder of segment 3 waits while an update is inside it");
            updates.exit(cell, true);
            holder.join(5_000);
            assertFalse(holder.isAlive(), "and goes on once it leaves");
            assertEquals(1, updates.puts());
            assertTrue(updates.enter(3) >= 0, "the cell is free again");
        });
    }

    /**
     * Updates of present keys leave every segment's stamp as it was (so lock-free readers are not sent
     * round) and are counted; a new key still takes the lock.
     */
    @Test
    void putLongOfPresentKeys_replacesTheValuesWithoutTakingAnyStamp() {
        try (TableStore<Long, Long> store = longs(10_000)) {
            HashTable table = store.table();
            for (long k = 0; k < 1_000; k++) {
                store.putLong(k, k);
            }
            long[] stamps = stamps(table);
            long puts = store.cacheStats().puts();
            for (long k = 0; k < 1_000; k++) {
                store.putLong(k, -k);
            }
            assertArrayEquals(stamps, stamps(table), "no segment was locked");
            assertEquals(puts + 1_000, store.cacheStats().puts(), "each update is counted");
            for (long k = 0; k < 1_000; k++) {
                assertEquals(-k, store.getLong(k, 1));
            }
            assertEquals(1_000, store.size());
            long fresh = 1_000_000;
            int seg = table.segmentOf(table.hashOfLong(fresh));
            store.putLong(fresh, 1);
            assertEquals(stamps[seg] + 2, table.readStamp(seg), "an insert takes its segment's lock");
            assertTrue(store.verify().problems().isEmpty(), store.verify().problems().toString());
        }
    }

    /** The boxed put of a long store goes in place too, and returns the value it replaced. */
    @Test
    void boxedPutOfPresentKeys_swapsTheValuesWithoutTakingAnyStamp_andReturnsTheOldOnes() {
        try (TableStore<Long, Long> store = longs(10_000)) {
            HashTable table = store.table();
            for (long k = 0; k < 1_000; k++) {
                assertNull(store.put(k, k));
            }
            long[] stamps = stamps(table);
            long puts = store.cacheStats().puts();
            for (long k = 0; k < 1_000; k++) {
                assertEquals(k, store.put(k, -k), "put returns the value it replaced");
            }
            assertArrayEquals(stamps, stamps(table), "no segment was locked");
            assertEquals(puts + 1_000, store.cacheStats().puts());
            for (long k = 0; k < 1_000; k++) {
                assertEquals(-k, store.get(k));
            }
            long fresh = 1_000_000;
            int seg = table.segmentOf(table.hashOfLong(fresh));
            assertNull(store.put(fresh, 1L));
            assertEquals(stamps[seg] + 2, table.readStamp(seg), "an insert takes its segment's lock");
        }
    }

    /** A lock holder (here a removal) waits for an update inside its segment before it frees the slot. */
    @Test
    void aRemoval_waitsForAnUpdateInsideItsSegment() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try (TableStore<Long, Long> store = longs(1_000)) {
                store.putLong(7, 1);
                int seg = store.table().segmentOf(store.table().hashOfLong(7));
                InPlaceUpdates updates = store.access.locks.updates;
                int cell = updates.enter(seg);  // this thread is an updater inside the segment
                Thread remover = new Thread(() -> store.remove(7L));
                remover.start();
                remover.join(200);
                assertTrue(remover.isAlive(), "the removal waits for the update");
                updates.exit(cell, false);
                remover.join(5_000);
                assertFalse(remover.isAlive());
                assertEquals(-1, store.getLong(7, -1));
            }
        });
    }

    /** An update of a key whose segment is locked does not write beside the holder: it waits for the lock. */
    @Test
    void anUpdate_ofALockedSegment_waitsForTheLock() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try (TableStore<Long, Long> store = longs(1_000)) {
                store.putLong(7, 1);
                HashTable table = store.table();
                int seg = table.segmentOf(table.hashOfLong(7));
                long stamp = store.access.locks.lock(seg);
                Thread updater = new Thread(() -> store.putLong(7, 2));
                updater.start();
                updater.join(200);
                assertTrue(updater.isAlive(), "the update waits for the lock holder");
                long slot = table.find(seg, table.hashOfLong(7), null, 0, Long.BYTES, 7);
                assertEquals(1, store.memory().get(ValueLayout.JAVA_LONG_UNALIGNED, table.slots.valueOffset(seg, slot)),
                        "nothing was written while the segment was held");
                store.access.locks.unlock(seg, stamp);
                updater.join(5_000);
                assertFalse(updater.isAlive());
                assertEquals(2, store.getLong(7, -1));
            }
        });
    }

    /** An update in an expiring store must write the deadline too, so it takes the lock and renews it. */
    @Test
    void putLongInAnExpiringStore_renewsTheDeadline() {
        AtomicLong now = new AtomicLong(1_000_000);
        try (OffHeapMap<Long, Long> store = OffHeapMap.of(Codecs.longs(), Codecs.longs())
                .concurrency(Concurrency.CONCURRENT).expireAfterWrite(Duration.ofSeconds(10)).clock(now::get).open()) {
            store.putLong(7, 1);
            now.addAndGet(6_000);
            store.putLong(7, 2);
            now.addAndGet(6_000);
            assertEquals(2, store.getLong(7, -1), "the update renewed the entry's 10 s");
        }
    }

    /**
     * Updaters of even keys (one through {@code putLong}, one through {@code put(K, V)}, which returns the
     * value it replaced) race a writer that inserts and removes odd keys (so slots are freed, reused
     * and moved by growth and shrinking) and readers. A value is its key times 2^20 plus a version, so an
     * update that landed in another key's slot shows as a value that names the wrong key.
     */
    @Test
    void updatesRacingInsertsRemovesAndGrowth_landOnlyOnTheirOwnKeys() throws Exception {
        int keys = 4_096;
        try (TableStore<Long, Long> store = longs(0)) {
            for (long k = 0; k < keys; k += 2) {
                store.putLong(k, k << 20);
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<String> wrong = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                boolean boxed = t == 1;  // one updater through putLong, one through put(K, V)
                threads.add(new Thread(() -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (long v = 1; !stop.get(); v = (v + 1) & 0xFFFFF) {
                        long k = random.nextInt(keys / 2) * 2L;
                        if (!boxed) {
                            store.putLong(k, k << 20 | v);
                            continue;
                        }
                        Long old = store.put(k, k << 20 | v);
                        if (old == null || old >>> 20 != k) {
                            wrong.compareAndSet(null, "put(" + k + ") replaced " + old);
                        }
                    }
                }));
            }
            threads.add(new Thread(() -> {
                while (!stop.get()) {
                    for (long k = 1; k < keys; k += 2) {
                        store.putLong(k, k << 20);
                    }
                    for (long k = 1; k < keys; k += 2) {
                        store.remove(k);
                    }
                }
            }));
            threads.add(new Thread(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (!stop.get()) {
                    long k = random.nextInt(keys);
                    long v = store.getLong(k, -1);
                    if (v != -1 && v >>> 20 != k) {
                        wrong.compareAndSet(null, "key " + k + " read a value of key " + (v >>> 20));
                    }
                }
            }));
            threads.forEach(Thread::start);
            Thread.sleep(1_500);
            stop.set(true);
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(null, wrong.get());
            for (long k = 0; k < keys; k++) {
                long v = store.getLong(k, -1);
                if (k % 2 == 0) {
                    assertEquals(k, v >>> 20, "key " + k + " holds " + v);
                } else {
                    assertTrue(v == -1 || v >>> 20 == k, "key " + k + " holds " + v);
                }
            }
            assertNotEquals(0, store.access.locks.updates.puts(), "the race went through the lock-free path");
            assertTrue(store.verify().problems().isEmpty(), store.verify().problems().toString());
        }
    }

    @Test
    void singleWriter_putLongOfPresentKeys_takesEachStamp_andCountsThePuts() {
        try (TableStore<Long, Long> store = singleWriterLongs()) {
            HashTable table = store.table();
            for (long k = 0; k < 1_000; k++) {
                store.putLong(k, k);
            }
            long[] stamps = stamps(table);
            long[] expected = stamps.clone();
            long puts = store.cacheStats().puts();
            for (long k = 0; k < 1_000; k++) {
                store.putLong(k, -k);
                expected[table.segmentOf(table.hashOfLong(k))] += 2;
            }
            assertArrayEquals(expected, stamps(table), "every update took its segment's stamp and gave it back");
            assertEquals(puts + 1_000, store.cacheStats().puts(), "each update is counted");
            for (long k = 0; k < 1_000; k++) {
                assertEquals(-k, store.getLong(k, 1));
            }
            assertEquals(1_000, store.size());
            assertTrue(store.verify().problems().isEmpty(), store.verify().problems().toString());
        }
    }

    @Test
    void singleWriter_updateOfAPresentKey_whileAnotherWriterHoldsItsSegment_isRefused() {
        try (TableStore<Long, Long> store = singleWriterLongs()) {
            HashTable table = store.table();
            store.putLong(7, 70);
            int seg = table.segmentOf(table.hashOfLong(7));
            long odd = table.tryBeginWrite(seg);
            assertTrue(odd > 0, "the test holds segment " + seg + " as another writer would");
            ConcurrentWriteException e = assertThrows(ConcurrentWriteException.class, () -> store.putLong(7, 71));
            assertTrue(e.getMessage().contains("segment " + seg), e.getMessage());
            table.endWrite(seg, odd);
            assertEquals(70, store.getLong(7, -1), "the refused update wrote nothing");
            store.putLong(7, 72);
            assertEquals(72, store.getLong(7, -1));
        }
    }

    private static TableStore<Long, Long> longs(long expected) {
        return (TableStore<Long, Long>) OffHeapMap.of(Codecs.longs(), Codecs.longs())
                .concurrency(Concurrency.CONCURRENT).expectedEntries(expected).open();
    }

    private static TableStore<Long, Long> singleWriterLongs() {
        return (TableStore<Long, Long>) OffHeapMap.of(Codecs.longs(), Codecs.longs())
                .concurrency(Concurrency.SINGLE_WRITER).expectedEntries(10_000).open();
    }

    private static long[] stamps(HashTable table) {
        long[] stamps = new long[table.segments];
        for (int s = 0; s < stamps.length; s++) {
            stamps[s] = table.readStamp(s);
        }
        return stamps;
    }
}

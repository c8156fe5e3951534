package io.hmapstore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.hmapstore.memory.MappedRegion;
import io.hmapstore.memory.ReleasePolicy;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Many threads on one {@link Concurrency#CONCURRENT} store, checked against oracles.
 *
 * <p>Writers each own a key range and keep the truth about it in their own array (no one else
 * writes there, so every answer the store gives them is exact, and at the end the store must hold
 * exactly what the oracles say). Together they alternate insert-heavy and delete-heavy phases, so
 * every segment doubles and halves many times while readers are inside. All writers also add 1 to the
 * keys of one shared range through {@code merge} and {@code compute}; the totals must match the
 * increments counted. Readers check, without any lock, that no value is ever torn (every value
 * carries its key, its version and a checksum of both), that a set of stable keys present from the
 * start is never reported absent, and that no key ever goes back to an older version. A walker
 * iterates the whole store meanwhile: each walk must return every stable key exactly once.
 *
 * <p>The run is bounded by time ({@link #RUN_MILLIS} to {@link #RUN_CAP_MILLIS} per release policy,
 * never more than {@link #RUN_LIMIT_MILLIS}), so it does as much work as the machine allows and
 * always ends; the counts it reaches are asserted to be large enough to have grown and shrunk the
 * table.
 */
class ConcurrentStressTest {
    /**
     * Each policy's run lasts at least {@code RUN_MILLIS}, then stops once two insert/delete cycles
     * are done, or past {@code RUN_CAP_MILLIS} once one is, or at {@code RUN_LIMIT_MILLIS} whatever
     * it did (and fails, if that was not even one cycle).
     */
    private static final long RUN_MILLIS = 1_200;
    private static final long RUN_CAP_MILLIS = 2_000;
    private static final long RUN_LIMIT_MILLIS = 5_000;
    private static final int WRITERS = 3;
    private static final int READERS = 2;
    private static final int OWNED = 3_000;
    private static final int SHARED = 32;
    private static final int STABLE = 64;
    private static final long OWNED_BASE = 1_000_000;
    private static final long SHARED_BASE = 2_000_000;
    private static final long STABLE_BASE = 3_000_000;
    private static final long STABLE_VERSION = 1;
    /** The store's size at which all writers turn from inserting to deleting, and back. */
    private static final long HIGH = STABLE + SHARED + WRITERS * OWNED * 3L / 4;
    private static final long LOW = STABLE + SHARED + WRITERS * OWNED / 25;

    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final BiFunction<byte[], byte[], byte[]> SUM = (a, b) -> counter(count(a) + count(b));

    private long regionsBefore;

    @BeforeEach
    void countRegions() {
        regionsBefore = MappedRegion.openRegions();
    }

    @AfterEach
    void noRegionLeft() {
        assertEquals(regionsBefore, MappedRegion.openRegions(), "regions left open");
    }

    // ------------------------------------------------------------------ values

    /** 16 to 40 bytes: the key, the version, then a checksum of both in every other word. */
    static byte[] value(long key, long version) {
        byte[] v = new byte[16 + 8 * (int) (version & 3)];
        MemorySegment s = MemorySegment.ofArray(v);
        s.set(WORD, 0, key);
        s.set(WORD, 8, version);
        for (int at = 16; at < v.length; at += 8) {
            s.set(WORD, at, checksum(key, version));
        }
        return v;
    }

    private static long checksum(long key, long version) {
        return (key * 0x9E37_79B9_7F4A_7C15L) ^ Long.rotateLeft(version, 29) ^ 0x5555_AAAA_5555_AAAAL;
    }

    /**
     * @return the version of a well-formed value of {@code key}
     * @throws AssertionError naming the bytes if the value is torn or another key's
     */
    static long versionOf(long key, byte[] v) {
        MemorySegment s = MemorySegment.ofArray(v);
        boolean ok = v.length >= 16 && v.length <= 40 && v.length % 8 == 0 && s.get(WORD, 0) == key;
        long version = ok ? s.get(WORD, 8) : -1;
        ok = ok && version > 0 && v.length == 16 + 8 * (version & 3);
        for (int at = 16; ok && at < v.length; at += 8) {
            ok = s.get(WORD, at) == checksum(key, version);
        }
        if (!ok) {
            throw new AssertionError("torn or foreign value for key " + key + ": " + HexFormat.of().formatHex(v));
        }
        return version;
    }

    /** A shared counter: 16 bytes, both halves {@code n}. */
    static byte[] counter(long n) {
        byte[] v = new byte[16];
        MemorySegment s = MemorySegment.ofArray(v);
        s.set(WORD, 0, n);
        s.set(WORD, 8, n);
        return v;
    }

    static long count(byte[] v) {
        MemorySegment s = MemorySegment.ofArray(v);
        if (v.length != 16 || s.get(WORD, 0) != s.get(WORD, 8)) {
            throw new AssertionError("torn counter: " + HexFormat.of().formatHex(v));
        }
        return s.get(WORD, 0);
    }

    // ------------------------------------------------------------------ the run

    /** What one writer knows: the versions of its keys (0 = absent) and its shared increments. */
    private static final class Writer implements Runnable {
        final int id;
        final long[] versions = new long[OWNED];
        final long[] increments = new long[SHARED];
        final OffHeapMap<Long, byte[]> store;
        final Run run;
        long ops;
        int live;

        Writer(int id, OffHeapMap<Long, byte[]> store, Run run) {
            this.id = id;
            this.store = store;
            this.run = run;
        }

        long key(int i) {
            return OWNED_BASE + (long) id * OWNED + i;
        }

        byte[] expected(int i) {
            return versions[i] == 0 ? null : value(key(i), versions[i]);
        }

        @Override
        public void run() {
            SplittableRandom rnd = new SplittableRandom(0xC0FFEE + id);
            long nextVersion = 1;
            while (!run.stop.get()) {
                ops++;
                if ((ops & 63) == 0) {
                    run.turn(store.size());
                }
                boolean inserting = run.inserting;
                int r = rnd.nextInt(100);
                if (r < 10) {
                    int j = rnd.nextInt(SHARED);
                    if ((r & 1) == 0) {
                        store.merge(SHARED_BASE + j, counter(1), SUM);
                    } else {
                        store.compute(SHARED_BASE + j, (k, v) -> counter(v == null ? 1 : count(v) + 1));
                    }
                    increments[j]++;
                    continue;
                }
                int i = rnd.nextInt(OWNED);
                long key = key(i);
                byte[] before = expected(i);
                boolean put = rnd.nextInt(100) < (inserting ? 95 : 2);
                if (put) {
                    long version = nextVersion++;
                    byte[] v = value(key, version);
                    switch (r % 3) {
                        case 0 -> {
                            check(i, before, store.put(key, v), "put");
                            setVersion(i, version);
                        }
                        case 1 -> {
                            check(i, before, store.putIfAbsent(key, v), "putIfAbsent");
                            if (before == null) {
                                setVersion(i, version);
                            }
                        }
                        default -> {
                            check(i, before, store.replace(key, v), "replace");
                            if (before != null) {
                                setVersion(i, version);
                            }
                        }
                    }
                } else if ((r & 1) == 0) {
                    check(i, before, store.remove(key), "remove");
                    setVersion(i, 0);
                } else {
                    byte[] guess = before != null ? before : value(key, 1);
                    assertEquals(before != null, store.remove(key, guess), "remove(k, v) of key " + key);
                    setVersion(i, 0);
                }
                if ((ops & 15) == 0) {
                    check(i, expected(i), store.get(key), "get");
                }
            }
        }

        private void setVersion(int i, long version) {
            live += (version != 0 ? 1 : 0) - (versions[i] != 0 ? 1 : 0);
            versions[i] = version;
        }

        private void check(int i, byte[] expected, byte[] actual, String op) {
            if (!Arrays.equals(expected, actual)) {
                fail(op + " on key " + key(i) + " (writer " + id + "): expected "
                        + (expected == null ? "absent" : "version " + versions[i]) + ", store said "
                        + (actual == null ? "absent" : HexFormat.of().formatHex(actual)));
            }
        }
    }

    /** One lock-free reader's checks; counts what it saw. */
    private static final class Reader implements Runnable {
        final int id;
        final OffHeapMap<Long, byte[]> store;
        final Run run;
        final long[] lastVersion = new long[WRITERS * OWNED];
        final long[] lastCount = new long[SHARED];
        long reads;

        Reader(int id, OffHeapMap<Long, byte[]> store, Run run) {
            this.id = id;
            this.store = store;
            this.run = run;
        }

        @Override
        public void run() {
            SplittableRandom rnd = new SplittableRandom(0xBEEF + id);
            MemorySegment keyBytes = MemorySegment.ofArray(new long[1]);
            MemorySegment out = MemorySegment.ofArray(new byte[40]);
            while (!run.stop.get()) {
                reads += 4;
                long stable = STABLE_BASE + rnd.nextInt(STABLE);
                byte[] v = store.get(stable);
                if (v == null) {
                    fail("stable key " + stable + " reported absent");
                }
                assertEquals(STABLE_VERSION, versionOf(stable, v), "stable key " + stable);
                keyBytes.set(ValueLayout.JAVA_LONG, 0, stable);
                if (!store.get(keyBytes, out)) {
                    fail("stable key " + stable + " reported absent by get(MemorySegment, MemorySegment)");
                }
                assertArrayEquals(v, out.asSlice(0, v.length).toArray(ValueLayout.JAVA_BYTE),
                        "stable key " + stable + " through get(MemorySegment, MemorySegment)");

                int o = rnd.nextInt(WRITERS * OWNED);
                long key = OWNED_BASE + o;
                v = store.get(key);
                if (v != null) {
                    long version = versionOf(key, v);
                    if (version < lastVersion[o]) {
                        fail("key " + key + " went back from version " + lastVersion[o] + " to " + version);
                    }
                    lastVersion[o] = version;
                }

                int j = rnd.nextInt(SHARED);
                v = store.get(SHARED_BASE + j);
                if (v != null) {
                    long n = count(v);
                    if (n < lastCount[j]) {
                        fail("shared counter " + j + " went back from " + lastCount[j] + " to " + n);
                    }
                    lastCount[j] = n;
                }
            }
        }
    }

    /**
     * Walks the whole store again and again while it resizes: every stable key must come back
     * exactly once per walk (the iterator's contract for entries present throughout), and every
     * entry must be well-formed.
     */
    private static final class Walker implements Runnable {
        final OffHeapMap<Long, byte[]> store;
        final Run run;
        long walks;
        long entries;

        Walker(OffHeapMap<Long, byte[]> store, Run run) {
            this.store = store;
            this.run = run;
        }

        @Override
        public void run() {
            int[] seen = new int[STABLE];
            while (!run.stop.get()) {
                Arrays.fill(seen, 0);
                for (var e : store.entrySet()) {
                    long key = e.getKey();
                    entries++;
                    if (key >= STABLE_BASE && key < STABLE_BASE + STABLE) {
                        seen[(int) (key - STABLE_BASE)]++;
                        assertEquals(STABLE_VERSION, versionOf(key, e.getValue()), "stable key " + key);
                    } else if (key >= SHARED_BASE && key < SHARED_BASE + SHARED) {
                        count(e.getValue());
                    } else if (key >= OWNED_BASE && key < OWNED_BASE + (long) WRITERS * OWNED) {
                        versionOf(key, e.getValue());
                    } else {
                        fail("iteration returned key " + key + ", which nobody wrote");
                    }
                }
                for (int i = 0; i < STABLE; i++) {
                    if (seen[i] != 1) {
                        fail("one walk returned stable key " + (STABLE_BASE + i) + " " + seen[i] + " times");
                    }
                }
                walks++;
            }
        }
    }

    /** The stop flag, the phase all writers share, and the first failure of any thread. */
    private static final class Run {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        /**
         * One phase for all writers, so the whole store swings between {@link #LOW} and
         * {@link #HIGH} (writers in phases of their own would average each other out). A third of
         * the puts are replace(), which inserts nothing: the phases level off near 93% and 1% live.
         */
        volatile boolean inserting = true;
        final AtomicLong cycles = new AtomicLong();

        synchronized void turn(long size) {
            if (inserting && size >= HIGH) {
                inserting = false;
            } else if (!inserting && size <= LOW) {
                inserting = true;
                cycles.incrementAndGet();
            }
        }

        Thread start(String name, Runnable body, CountDownLatch done) {
            Thread t = new Thread(() -> {
                try {
                    body.run();
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                    stop.set(true);
                } finally {
                    done.countDown();
                }
            }, name);
            t.setDaemon(true);
            t.start();
            return t;
        }
    }

    @ParameterizedTest
    @EnumSource(value = ReleasePolicy.class, names = {"KEEP", "DONTNEED", "FREE"})
    void concurrentOps_matchOracles_throughGrowthsAndShrinks(ReleasePolicy policy) throws Exception {
        try (OffHeapMap<Long, byte[]> store = OffHeapMap.of(Codecs.longs(), Codecs.bytes())
                .concurrency(Concurrency.CONCURRENT).releasePolicy(policy).expectedEntries(0).open()) {
            for (int i = 0; i < STABLE; i++) {
                store.put(STABLE_BASE + i, value(STABLE_BASE + i, STABLE_VERSION));
            }
            Run run = new Run();
            List<Writer> writers = new ArrayList<>();
            List<Reader> readers = new ArrayList<>();
            CountDownLatch done = new CountDownLatch(WRITERS + READERS + 1);
            for (int w = 0; w < WRITERS; w++) {
                Writer writer = new Writer(w, store, run);
                writers.add(writer);
                run.start("writer-" + w, writer, done);
            }
            for (int r = 0; r < READERS; r++) {
                Reader reader = new Reader(r, store, run);
                readers.add(reader);
                run.start("reader-" + r, reader, done);
            }
            Walker walker = new Walker(store, run);
            run.start("walker", walker, done);
            long start = System.nanoTime();
            while (!run.stop.get()) {
                long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                long cycles = run.cycles.get();
                if (elapsed >= RUN_LIMIT_MILLIS || elapsed >= RUN_CAP_MILLIS && cycles >= 1
                        || elapsed >= RUN_MILLIS && cycles >= 2) {
                    break;
                }
                Thread.sleep(10);
            }
            run.stop.set(true);
            assertTrue(done.await(30, TimeUnit.SECONDS), "threads did not stop");
            if (run.failure.get() != null) {
                throw new AssertionError("a thread failed under " + policy, run.failure.get());
            }

            long expectedSize = STABLE;
            for (Writer w : writers) {
                for (int i = 0; i < OWNED; i++) {
                    assertArrayEquals(w.expected(i), store.get(w.key(i)), "key " + w.key(i) + " at the end");
                }
                expectedSize += w.live;
            }
            for (int j = 0; j < SHARED; j++) {
                long total = 0;
                for (Writer w : writers) {
                    total += w.increments[j];
                }
                byte[] v = store.get(SHARED_BASE + j);
                if (total == 0) {
                    assertNull(v, "shared key " + j + " nobody touched");
                } else {
                    assertEquals(total, count(v), "shared counter " + j + ": increments from all writers");
                    expectedSize++;
                }
            }
            for (int i = 0; i < STABLE; i++) {
                assertEquals(STABLE_VERSION, versionOf(STABLE_BASE + i, store.get(STABLE_BASE + i)));
            }
            assertEquals(expectedSize, store.size(), "size against the oracles");
            VerifyReport report = store.verify();
            assertTrue(report.isClean(), () -> "verify: " + report.problems());
            assertEquals(expectedSize, report.entriesChecked());

            StoreStats stats = store.stats();
            long ops = writers.stream().mapToLong(w -> w.ops).sum();
            long reads = readers.stream().mapToLong(r -> r.reads).sum();
            long cycles = run.cycles.get();
            System.out.printf("%nConcurrentStressTest[%s]: %,d writes, %,d reads, %d walks (%,d entries), %d"
                    + " insert/delete cycles, %d segments: %d growths, %d same-size, %d shrinks, %d evacuations;"
                    + " %d entries at the end%n", policy, ops, reads, walker.walks, walker.entries, cycles,
                    stats.segments(), stats.growths(), stats.sameSizeGrowths(), stats.shrinks(), stats.evacuations(),
                    expectedSize);
            // The run must have done what it claims: full insert-heavy and delete-heavy cycles, so
            // each segment doubled and halved several times (B swings between about 4 and 7).
            assertTrue(cycles >= 1, "insert/delete cycles: " + cycles);
            assertTrue(walker.walks >= 1, "whole-store walks: " + walker.walks);
            assertTrue(stats.growths() >= 4L * stats.segments(), "growths: " + stats.growths());
            assertTrue(stats.shrinks() >= 2L * stats.segments(), "shrinks: " + stats.shrinks());
        }
    }

    // ------------------------------------------------------------------ zero allocation under contention

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final int HOT = 1024;

    /** A read loop to measure: returns how many reads found a hot key absent or its value wrong. */
    @FunctionalInterface
    private interface ReadLoop {
        long run(int reads);
    }

    /**
     * Warms {@code loop} up, then measures what {@code reads} more of it allocate on this thread
     * while {@code writes} counts the other thread's progress.
     *
     * @return bytes allocated
     */
    private static long allocatedBy(ReadLoop loop, int reads, AtomicLong writes, String what) {
        assertTrue(THREADS.isThreadAllocatedMemorySupported() && THREADS.isThreadAllocatedMemoryEnabled());
        for (int i = 0; i < 5; i++) {
            loop.run(reads / 5);
        }
        THREADS.getCurrentThreadAllocatedBytes();
        long writesBefore = writes.get();
        long before = THREADS.getCurrentThreadAllocatedBytes();
        long misses = loop.run(reads);
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        long writesDuring = writes.get() - writesBefore;
        System.out.printf("%nConcurrentStressTest[zero allocation, %s]: %,d bytes over %,d reads, %,d writes"
                + " meanwhile%n", what, allocated, reads, writesDuring);
        assertEquals(0, misses, "hot keys reported absent or with a wrong value");
        assertTrue(writesDuring > 0, "the writer made no write while the reader measured");
        return allocated;
    }

    private static Thread writer(String name, AtomicBoolean stop, Runnable round) {
        Thread t = new Thread(() -> {
            while (!stop.get()) {
                round.run();
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * {@code getLong} and {@code get(MemorySegment, MemorySegment)} allocate nothing on the reading
     * thread even while another thread writes the same keys and grows and shrinks their segments,
     * so reads see odd stamps, fail validation, retry and fall back to the segment lock. Measured
     * with the thread's own allocation counter after a warm-up that lets the JIT compile both paths.
     *
     * <p>The bound is 0, not "under 1 KiB": the only allocation ever measured here was a real one —
     * {@code ReentrantLock.lock()} allocating its 32-byte queue node when a reader fell back to a
     * held lock, 100 B to 50 KB per million reads depending on how the threads met — and any
     * tolerance let it pass most runs. With the fallback taken by {@code tryLock} the count was 0 in
     * every run; nothing else allocates between the two readings (the counter's own first use is
     * before them, and both paths are written to allocate nothing even when interpreted).
     */
    @Test
    void zeroAllocationReads_allocateNothing_whileAnotherThreadWrites() throws Exception {
        try (OffHeapMap<Long, Long> store = OffHeapMap.of(Codecs.longs(), Codecs.longs())
                .concurrency(Concurrency.CONCURRENT).expectedEntries(0).open()) {
            for (long k = 0; k < HOT; k++) {
                store.putLong(k, k << 32 | k);
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong writes = new AtomicLong();
            AtomicLong round = new AtomicLong();
            Thread writer = writer("writer", stop, () -> {
                long r = round.incrementAndGet();
                for (long k = 0; k < HOT; k++) {
                    store.putLong(k, k << 32 | k);
                }
                // Churn: grow and shrink the same segments the reader is in.
                for (long k = 0; k < 2_000; k++) {
                    store.putLong(1_000_000 + k, r);
                }
                for (long k = 0; k < 2_000; k++) {
                    store.remove(1_000_000 + k);
                }
                writes.addAndGet(HOT + 4_000);
            });
            MemorySegment key = MemorySegment.ofArray(new long[1]);
            MemorySegment out = MemorySegment.ofArray(new long[1]);
            try {
                long getLong = allocatedBy(n -> {
                    long misses = 0;
                    for (int i = 0; i < n; i++) {
                        long k = i & (HOT - 1);
                        misses += store.getLong(k, -1) == (k << 32 | k) ? 0 : 1;
                    }
                    return misses;
                }, 500_000, writes, "getLong");
                long getSegment = allocatedBy(n -> {
                    long misses = 0;
                    for (int i = 0; i < n; i++) {
                        long k = i & (HOT - 1);
                        key.set(ValueLayout.JAVA_LONG, 0, k);
                        boolean found = store.get(key, out);
                        misses += found && out.get(ValueLayout.JAVA_LONG, 0) == (k << 32 | k) ? 0 : 1;
                    }
                    return misses;
                }, 500_000, writes, "get(MemorySegment, MemorySegment) on longs");
                assertEquals(0, getLong, "bytes allocated by 500,000 getLong calls");
                assertEquals(0, getSegment, "bytes allocated by 500,000 get(MemorySegment, MemorySegment) calls");
            } finally {
                stop.set(true);
                writer.join(10_000);
            }
            assertFalse(writer.isAlive());
            assertTrue(store.verify().isClean());
        }
    }


    /**
     * The zero-allocation read on a store whose values live in the entry heap, while another thread
     * replaces them: every replacement retires the old entry under a reader that may be inside it.
     */
    @Test

    void zeroAllocationGet_allocatesNothing_whileAnotherThreadReplacesHeapValues() throws Exception {
        int hot = 64;
        try (OffHeapMap<Long, byte[]> store = OffHeapMap.of(Codecs.longs(), Codecs.bytes())
                .concurrency(Concurrency.CONCURRENT).expectedEntries(0).open()) {
            MemorySegment value = MemorySegment.ofArray(value(7, 7));
            MemorySegment writeKey = MemorySegment.ofArray(new long[1]);
            for (long k = 0; k < hot; k++) {
                writeKey.set(ValueLayout.JAVA_LONG, 0, k);
                store.put(writeKey, value);
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong writes = new AtomicLong();
            Thread writer = writer("writer", stop, () -> {
                for (long k = 0; k < hot; k++) {
                    writeKey.set(ValueLayout.JAVA_LONG, 0, k);
                    store.put(writeKey, value);
                }
                writes.addAndGet(hot);
            });
            MemorySegment key = MemorySegment.ofArray(new long[1]);
            MemorySegment out = MemorySegment.ofArray(new byte[(int) value.byteSize()]);
            try {
                long allocated = allocatedBy(n -> {
                    long misses = 0;
                    for (int i = 0; i < n; i++) {
                        key.set(ValueLayout.JAVA_LONG, 0, i & (hot - 1));
                        misses += store.get(key, out) && out.mismatch(value) == -1 ? 0 : 1;
                    }
                    return misses;
                }, 500_000, writes, "get(MemorySegment, MemorySegment) on bytes");
                assertEquals(0, allocated, "bytes allocated by 500,000 get(MemorySegment, MemorySegment) calls");
            } finally {
                stop.set(true);
                writer.join(10_000);
            }
            assertTrue(store.verify().isClean());
        }
    }
}

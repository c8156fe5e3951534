package io.hmapstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hmapstore.memory.ReleasePolicy;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The zero-allocation paths allocate nothing on the Java heap once warm: {@code getLong}/{@code putLong}
 * and {@code get}/{@code put}/{@code remove} on {@link MemorySegment}s, measured with
 * {@link com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes()} around 100,000 operations on a
 * warmed store, anonymous or file-backed, in both concurrency modes.
 *
 * <p>Tolerance: up to {@value #TOLERANCE_BYTES} bytes per 100,000 operations, for allocations that are not
 * the store's (a deoptimisation or OSR transition can allocate once); and the best of
 * {@value #ATTEMPTS} measurements counts, so that a JIT recompilation in one window does not fail the test.
 * An implementation that allocates per call allocates at least 1.6 MB per window and fails every attempt.
 */
class ZeroAllocationTest {

    private static final int OPS = 100_000;
    private static final int KEYS = 50_000;
    private static final long TOLERANCE_BYTES = 1024;
    private static final int ATTEMPTS = 5;
    private static final int WARM_UP_ROUNDS = 30;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** Where a file-backed store keeps its file; a fresh directory for every invocation. */
    @TempDir
    Path dir;

    /** Both modes anonymous, and both file-backed under the file default, PUNCH_HOLE. */
    static Iterable<StoreFactory> factories() {
        List<StoreFactory> factories = new ArrayList<>(StoreFactory.modes());
        for (Concurrency mode : Concurrency.values()) {
            factories.add(new StoreFactory(mode, ReleasePolicy.PUNCH_HOLE, true));
        }
        return factories;
    }

    @ParameterizedTest
    @MethodSource("factories")
    void getLongAndPutLong_allocateNothing_onWarmStore(StoreFactory factory) {
        try (OffHeapMap<Long, Long> map = factory.builder(Codecs.longs(), Codecs.longs(), dir.resolve("store.hmap"))
                .expectedEntries(KEYS).open()) {
            for (long k = 0; k < KEYS; k++) {
                map.putLong(k, k);
            }
            long[] sink = new long[1];
            // hits and misses (odd rounds look up keys KEYS..2*KEYS, which are absent)
            assertAllocatesNothing("getLong hits and misses", () -> {
                long sum = 0;
                for (int i = 0; i < OPS; i++) {
                    sum += map.getLong(i % (2 * KEYS), -1);
                }
                sink[0] += sum;
                return sum;
            });
            assertAllocatesNothing("putLong updates", () -> {
                for (int i = 0; i < OPS; i++) {
                    map.putLong(i % KEYS, i);
                }
                return OPS;
            });
            assertEquals(KEYS, map.size());
            assertEquals((long) (OPS - 1), map.getLong((OPS - 1) % KEYS, -1));
            assertTrue(sink[0] != 0);
        }
    }

    @ParameterizedTest
    @MethodSource("factories")
    void segmentGetPutRemove_allocateNothing_onWarmStore(StoreFactory factory) {
        try (Arena arena = Arena.ofConfined();
                OffHeapMap<Long, byte[]> map = factory.builder(Codecs.longs(), Codecs.bytes(), dir.resolve("store.hmap"))
                        .expectedEntries(KEYS).open()) {
            MemorySegment key = arena.allocate(Long.BYTES);
            MemorySegment value = arena.allocate(100);
            MemorySegment out = arena.allocate(100);
            for (long k = 0; k < KEYS; k++) {
                key.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, k);
                value.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, k);
                map.put(key, value);
            }
            assertAllocatesNothing("get(MemorySegment) hits and misses", () -> {
                long found = 0;
                for (int i = 0; i < OPS; i++) {
                    key.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, i % (2 * KEYS));
                    if (map.get(key, out)) {
                        found += out.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
                    }
                }
                return found;
            });
            assertAllocatesNothing("put(MemorySegment) updates", () -> {
                for (int i = 0; i < OPS; i++) {
                    key.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, i % KEYS);
                    value.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, i);
                    map.put(key, value);
                }
                return OPS;
            });
            assertAllocatesNothing("remove(MemorySegment) then put(MemorySegment) of the same key", () -> {
                long removed = 0;
                for (int i = 0; i < OPS; i++) {
                    key.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, i % KEYS);
                    if (map.remove(key)) {
                        removed++;
                    }
                    map.put(key, value);
                }
                return removed;
            });
            assertEquals(KEYS, map.size());
            byte[] stored = map.get(7L);
            assertEquals(100, stored.length);
            assertTrue(Arrays.equals(value.toArray(ValueLayout.JAVA_BYTE), stored));
        }
    }

    /** A control: the measurement sees an allocation of 32 bytes per operation, so a pass above means something. */
    @Test
    void measurement_seesAllocation_inControlBody() {
        long least = leastAllocated(() -> {
            long n = 0;
            for (int i = 0; i < OPS; i++) {
                escape = new long[2];
                n += escape.length;
            }
            return n;
        });
        assertTrue(least >= OPS * 16L, () -> "the control allocated only " + least + " bytes");
    }

    /** Keeps the control's arrays from being scalar-replaced. */
    private static volatile long[] escape;

    private static void assertAllocatesNothing(String what, LongSupplier body) {
        long least = leastAllocated(body);
        assertTrue(least < TOLERANCE_BYTES, () -> what + " allocated " + least + " bytes per " + OPS
                + " operations at best of " + ATTEMPTS);
    }

    /**
     * Warms {@code body} up, then measures it up to {@value #ATTEMPTS} times (stopping once under the
     * tolerance).
     *
     * @return the least allocation seen, in bytes
     */
    private static long leastAllocated(LongSupplier body) {
        long sink = 0;
        for (int i = 0; i < WARM_UP_ROUNDS; i++) {
            sink += body.getAsLong();
        }
        long best = Long.MAX_VALUE;
        for (int attempt = 0; attempt < ATTEMPTS && best >= TOLERANCE_BYTES; attempt++) {
            long before = THREADS.getCurrentThreadAllocatedBytes();
            sink += body.getAsLong();
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
            best = Math.min(best, allocated);
        }
        assertTrue(sink != Long.MIN_VALUE);
        return best;
    }
}

package io.hmapstore.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.hmapstore.OffHeapMap;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * A reader racing a relocation: the stable key's 2,000-byte value is left alone in its slab (the 31
 * other entries of its size class deleted, so the slab is a compaction source) and a writer calls
 * {@code compact()}, which copies the entry to a fresh block, swings the slot and retires the old copy.
 * A lock-free reader reads the key through {@code get(Object)} (inside an epoch) and through
 * {@code get(MemorySegment, MemorySegment)} (the fast path: no epoch, the segment stamp validated).
 * The old and the new copy hold the same bytes, so any other value is a read of a freed or reused block.
 *
 * <p>Result: wrong values through {@code get(Object)}, wrong values through the fast path, and 1 if
 * {@code compact()} moved the entry (0 would mean the race was never set up).
 */
@JCStressTest
@Description("a reader racing compaction's move of its entry sees the value, never a freed or reused block")
@Outcome(id = "0, 0, 1", expect = ACCEPTABLE, desc = "the value every time; the entry moved")
@Outcome(expect = FORBIDDEN, desc = "a wrong value was read, or nothing moved")
@State
public class RelocationRace {
    static final long STABLE = 1;
    static final int READS = 8;
    /** 2,000 bytes: a 2 KiB block, 31 to a slab, so 31 fillers push the stable key's slab out of carving. */
    static final byte[] VALUE = value();
    private static final int FILLERS = 31;
    private static final byte[] SMALL = new byte[8];

    final OffHeapMap<Long, byte[]> store = Stores.bytes();

    public RelocationRace() {
        store.put(STABLE, VALUE);
        for (long k = 2; k < 2 + FILLERS; k++) {
            store.put(k, VALUE);
        }
        for (long k = 2; k < 2 + FILLERS; k++) {
            store.remove(k);
        }
        // The removed fillers are retired, freed only once the epochs move on, which a racing reader may
        // hold up: until then the slab looks full and compact() would find nothing to move. Enough
        // retirements of a small value, here where no reader is, run the reclaimer until they are freed.
        for (int i = 0; i < 3 * 64; i++) {
            store.put(-1L, SMALL);
        }
        store.remove(-1L);
    }

    private static byte[] value() {
        byte[] v = new byte[2_000];
        for (int i = 0; i < v.length; i++) {
            v[i] = (byte) (i * 7 + 1);
        }
        return v;
    }

    @Actor
    public void writer() {
        store.compact();
    }

    @Actor
    public void reader(III_Result r) {
        int boxed = 0;
        int fast = 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(Long.BYTES);
            key.set(ValueLayout.JAVA_LONG, 0, STABLE);
            MemorySegment out = arena.allocate(VALUE.length);
            for (int i = 0; i < READS; i++) {
                if (!Arrays.equals(VALUE, store.get(STABLE))) {
                    boxed++;
                }
                if (!store.get(key, out) || !Arrays.equals(VALUE, out.toArray(ValueLayout.JAVA_BYTE))) {
                    fast++;
                }
            }
        }
        r.r1 = boxed;
        r.r2 = fast;
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r3 = store.stats().compactedBytes() > 0 ? 1 : 0;
        store.close();
    }
}

package io.hmapstore.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.hmapstore.OffHeapMap;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * A key present before the test is never reported absent (or with another value) by a lock-free
 * reader while a writer inserts {@link #GROWERS} keys into the same segment, which starts with one
 * bucket and doubles twice on the way (B 0 → 1 at the 9th entry, 1 → 2 at the 14th;
 * {@code PresentThroughGrowthSizingTest} checks it). Each doubling swaps the bucket array and
 * evacuates the old one while the reader is inside.
 *
 * <p>Result: misses seen through {@code getLong}, misses seen through {@code get(Object)}, and the
 * store's size afterwards.
 */
@JCStressTest
@Description("a key present throughout a segment's doublings is never reported absent")
@Outcome(id = "0, 0, 21", expect = ACCEPTABLE, desc = "always found; every insert landed")
@Outcome(expect = FORBIDDEN, desc = "the stable key was missed, or an insert was lost")
@State
public class PresentThroughGrowth {
    /** The key present throughout, and its value. */
    static final long STABLE = 1L;
    static final long VALUE = 0x600D_F00DL;
    /** Inserts that make the stable key's segment double twice. */
    static final int GROWERS = 20;
    /** Reads per reader: enough to span the writer's inserts. */
    static final int READS = 24;
    static final long[] KEYS = Stores.keysBesides(STABLE, GROWERS);

    final OffHeapMap<Long, Long> store = Stores.longs();

    public PresentThroughGrowth() {
        store.putLong(STABLE, VALUE);
    }

    @Actor
    public void writer() {
        for (long k : KEYS) {
            store.putLong(k, k);
        }
    }

    @Actor
    public void reader(III_Result r) {
        int primitiveMisses = 0;
        int boxedMisses = 0;
        for (int i = 0; i < READS; i++) {
            if (store.getLong(STABLE, -1) != VALUE) {
                primitiveMisses++;
            }
            Long v = store.get(STABLE);
            if (v == null || v != VALUE) {
                boxedMisses++;
            }
        }
        r.r1 = primitiveMisses;
        r.r2 = boxedMisses;
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r3 = store.size();
        store.close();
    }
}

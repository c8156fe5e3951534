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
 * The mirror of {@link PresentThroughGrowth}: the stable key's segment starts at four buckets with
 * 21 entries and a writer removes the 20 others, so the segment halves twice (B 2 → 1 → 0,
 * {@code PresentThroughGrowthSizingTest} checks it) while a lock-free reader looks the stable key up.
 *
 * <p>Result: misses through {@code getLong}, misses through {@code get(Object)}, the size afterwards.
 */
@JCStressTest
@Description("a key present throughout a segment's halvings is never reported absent")
@Outcome(id = "0, 0, 1", expect = ACCEPTABLE, desc = "always found; every remove landed")
@Outcome(expect = FORBIDDEN, desc = "the stable key was missed, or a remove was lost")
@State
public class PresentThroughShrink {
    final OffHeapMap<Long, Long> store = Stores.longs();

    public PresentThroughShrink() {
        store.putLong(PresentThroughGrowth.STABLE, PresentThroughGrowth.VALUE);
        for (long k : PresentThroughGrowth.KEYS) {
            store.putLong(k, k);
        }
    }

    @Actor
    public void writer() {
        for (long k : PresentThroughGrowth.KEYS) {
            store.remove(k);
        }
    }

    @Actor
    public void reader(III_Result r) {
        int primitiveMisses = 0;
        int boxedMisses = 0;
        for (int i = 0; i < PresentThroughGrowth.READS; i++) {
            if (store.getLong(PresentThroughGrowth.STABLE, -1) != PresentThroughGrowth.VALUE) {
                primitiveMisses++;
            }
            Long v = store.get(PresentThroughGrowth.STABLE);
            if (v == null || v != PresentThroughGrowth.VALUE) {
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

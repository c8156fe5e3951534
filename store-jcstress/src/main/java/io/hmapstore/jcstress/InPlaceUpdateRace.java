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
import org.openjdk.jcstress.infra.results.JJ_Result;

/**
 * An in-place update racing a removal that gives the updated key's slot to another key. {@code putLong}
 * of a present long key replaces its value without the segment's lock (the store's
 * {@code InPlaceUpdates}); the mover removes that key and puts a second key of the same segment, which
 * (the segment has one bucket) takes the freed slot. An updater that found the slot before the removal
 * and wrote after the insert would give the second key the first key's value. The lock holder waits for
 * updaters in its segment, so the update lands before the removal (the first key ends absent) or after
 * the insert, when it no longer finds the key in place and inserts it under the lock.
 *
 * <p>Result: the first key's value (-1 if absent) and the second key's.
 */
@JCStressTest
@Description("an update made without the lock never lands in a slot that a removal has given to another key")
@Outcome(id = "-1, 20", expect = ACCEPTABLE, desc = "updated, then removed; the other key has its value")
@Outcome(id = "11, 20", expect = ACCEPTABLE, desc = "removed, then put again by the update; the other key has its value")
@Outcome(expect = FORBIDDEN, desc = "the update wrote into the other key's slot, or a key was lost")
@State
public class InPlaceUpdateRace {
    static final long FIRST = 1;
    /** A key of {@link #FIRST}'s segment, so of its only bucket: it takes the slot the removal frees. */
    static final long SECOND = Stores.keysBesides(FIRST, 1)[0];

    final OffHeapMap<Long, Long> store = Stores.longs();

    public InPlaceUpdateRace() {
        store.putLong(FIRST, 10);
    }

    @Actor
    public void updater() {
        store.putLong(FIRST, 11);
    }

    @Actor
    public void mover() {
        store.remove(FIRST);
        store.putLong(SECOND, 20);
    }

    @Arbiter
    public void arbiter(JJ_Result r) {
        r.r1 = store.getLong(FIRST, -1);
        r.r2 = store.getLong(SECOND, -1);
        store.close();
    }
}

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
import org.openjdk.jcstress.infra.results.JJJ_Result;
import org.openjdk.jcstress.infra.results.JJ_Result;

/**
 * An in-place update racing a removal that gives the updated key's slot to another key. A put of a long
 * to a present long key replaces the value without the segment's lock (the store's
 * {@code InPlaceUpdates}); the mover removes that key and puts a second key of the same segment, which
 * (the segment has one bucket) takes the freed slot. An updater that found the slot before the removal
 * and wrote after the insert would give the second key the first key's value. The lock holder waits for
 * updaters in its segment, so the update lands before the removal (the first key ends absent) or after
 * the insert, when it no longer finds the key in place and inserts it under the lock.
 *
 * <p>Result: the first key's value (-1 if absent), the second key's, and for the boxed put the value it
 * returned (-1 for null).
 */
public final class InPlaceUpdateRace {
    static final long FIRST = 1;
    /** A key of {@link #FIRST}'s segment, so of its only bucket: it takes the slot the removal frees. */
    static final long SECOND = Stores.keysBesides(FIRST, 1)[0];

    private InPlaceUpdateRace() {
    }

    /** The store, the first key at 10, and the mover (jcstress looks for actors in the test class itself). */
    abstract static class Base {
        final OffHeapMap<Long, Long> store = Stores.longs();

        Base() {
            store.putLong(FIRST, 10);
        }

        final void move() {
            store.remove(FIRST);
            store.putLong(SECOND, 20);
        }

        /** @return the first key's value, -1 if absent */
        final long first() {
            return store.getLong(FIRST, -1);
        }

        /** @return the second key's value, -1 if absent */
        final long second() {
            return store.getLong(SECOND, -1);
        }
    }

    /** The update through {@code putLong}. */
    @JCStressTest
    @Description("an update made without the lock never lands in a slot that a removal has given to another key")
    @Outcome(id = "-1, 20", expect = ACCEPTABLE, desc = "updated, then removed; the other key has its value")
    @Outcome(id = "11, 20", expect = ACCEPTABLE, desc = "removed, then put again by the update; the other key has its value")
    @Outcome(expect = FORBIDDEN, desc = "the update wrote into the other key's slot, or a key was lost")
    @State
    public static class Primitive extends Base {
        @Actor
        public void updater() {
            store.putLong(FIRST, 11);
        }

        @Actor
        public void mover() {
            move();
        }

        @Arbiter
        public void arbiter(JJ_Result r) {
            r.r1 = first();
            r.r2 = second();
            store.close();
        }
    }

    /** The update through the boxed {@code put(K, V)}, which swaps the value and returns the one it replaced. */
    @JCStressTest
    @Description("a boxed put made without the lock swaps only its own key's value, and returns it")
    @Outcome(id = "-1, 20, 10", expect = ACCEPTABLE, desc = "updated (returning 10), then removed")
    @Outcome(id = "11, 20, -1", expect = ACCEPTABLE, desc = "removed, then put again by the update (returning null)")
    @Outcome(expect = FORBIDDEN, desc = "the put swapped the other key's value, returned a wrong value, or a key was lost")
    @State
    public static class Boxed extends Base {
        @Actor
        public void updater(JJJ_Result r) {
            Long old = store.put(FIRST, 11L);
            r.r3 = old == null ? -1 : old;
        }

        @Actor
        public void mover() {
            move();
        }

        @Arbiter
        public void arbiter(JJJ_Result r) {
            r.r1 = first();
            r.r2 = second();
            store.close();
        }
    }
}

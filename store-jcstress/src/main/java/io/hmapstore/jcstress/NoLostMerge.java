package io.hmapstore.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.hmapstore.OffHeapMap;
import java.util.function.BiFunction;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.J_Result;

/**
 * Two threads add 1 to one key at once; the arbiter must see both additions. {@code merge} and
 * {@code compute} are ConcurrentMap's default retry loops over {@code putIfAbsent},
 * {@code replace(k, old, new)} and {@code remove(k, v)}, so a lost update here means one of those is
 * not atomic under the segment lock.
 */
public final class NoLostMerge {
    private static final long KEY = 11L;
    private static final BiFunction<Long, Long, Long> INCREMENT = (k, v) -> v == null ? 1L : v + 1;

    private NoLostMerge() {
    }

    /**
     * The base of the three states: a store, and what their arbiters do (jcstress looks for
     * {@code @Arbiter} in the test class itself, not in its superclasses).
     */
    abstract static class Base {
        final OffHeapMap<Long, Long> store = Stores.longs();

        /** Reports the key's value (-1 when absent) and closes the store. */
        final void finish(J_Result r) {
            Long v = store.get(KEY);
            r.r1 = v == null ? -1 : v;
            store.close();
        }
    }

    /** Both merges race to create the key: the loser's {@code putIfAbsent} fails and it must retry. */
    @JCStressTest
    @Description("merge(k, 1, Long::sum) twice on an absent key")
    @Outcome(id = "2", expect = ACCEPTABLE, desc = "both merges counted")
    @Outcome(id = "1", expect = FORBIDDEN, desc = "a lost update")
    @Outcome(expect = FORBIDDEN, desc = "neither 1 nor 2")
    @State
    public static class Absent extends Base {
        @Actor
        public void first() {
            store.merge(KEY, 1L, Long::sum);
        }

        @Actor
        public void second() {
            store.merge(KEY, 1L, Long::sum);
        }

        @Arbiter
        public void arbiter(J_Result r) {
            finish(r);
        }
    }

    /** Both merges read 0 and race to {@code replace(k, 0, 1)}: the loser must retry. */
    @JCStressTest
    @Description("merge(k, 1, Long::sum) twice on a key holding 0")
    @Outcome(id = "2", expect = ACCEPTABLE, desc = "both merges counted")
    @Outcome(id = "1", expect = FORBIDDEN, desc = "a lost update")
    @Outcome(expect = FORBIDDEN, desc = "neither 1 nor 2")
    @State
    public static class Present extends Base {
        public Present() {
            store.putLong(KEY, 0);
        }

        @Actor
        public void first() {
            store.merge(KEY, 1L, Long::sum);
        }

        @Actor
        public void second() {
            store.merge(KEY, 1L, Long::sum);
        }

        @Arbiter
        public void arbiter(J_Result r) {
            finish(r);
        }
    }

    /** {@code compute} increments from absent: the same race through compute's own retry loop. */
    @JCStressTest
    @Description("compute(k, v -> v == null ? 1 : v + 1) twice on an absent key")
    @Outcome(id = "2", expect = ACCEPTABLE, desc = "both computes counted")
    @Outcome(id = "1", expect = FORBIDDEN, desc = "a lost update")
    @Outcome(expect = FORBIDDEN, desc = "neither 1 nor 2")
    @State
    public static class Compute extends Base {
        @Actor
        public void first() {
            store.compute(KEY, INCREMENT);
        }

        @Actor
        public void second() {
            store.compute(KEY, INCREMENT);
        }

        @Arbiter
        public void arbiter(J_Result r) {
            finish(r);
        }
    }
}

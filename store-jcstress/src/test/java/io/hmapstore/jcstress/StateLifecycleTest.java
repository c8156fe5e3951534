package io.hmapstore.jcstress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hmapstore.memory.MappedRegion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.IIII_Result;
import org.openjdk.jcstress.infra.results.JJJ_Result;
import org.openjdk.jcstress.infra.results.JJ_Result;
import org.openjdk.jcstress.infra.results.J_Result;

/**
 * Runs each jcstress state's actors one after the other, in both orders, as jcstress would with no
 * overlap: the outcome must be one the test declares acceptable (so a FORBIDDEN under jcstress is a
 * race, not a wrong test), and the arbiter must close the store — jcstress keeps thousands of states
 * per run, and a state that leaked its mapping would exhaust the address space or the map count.
 */
class StateLifecycleTest {
    private static final int ROUNDS = 200;
    private long regionsBefore;

    @BeforeEach
    void countRegions() {
        regionsBefore = MappedRegion.openRegions();
    }

    @AfterEach
    void noRegionLeft() {
        assertEquals(regionsBefore, MappedRegion.openRegions(), "regions left open by the arbiters");
    }

    @Test
    void noTornBytes_seesWholeValues_inEitherOrder() {
        for (int i = 0; i < ROUNDS; i++) {
            var writeFirst = new NoTornValues.Bytes();
            var r = new IIII_Result();
            writeFirst.writer();
            writeFirst.reader(r);
            writeFirst.close(r);
            assertEquals("2, 2, 2, 2", r.toString());

            var readFirst = new NoTornValues.Bytes();
            r = new IIII_Result();
            readFirst.reader(r);
            readFirst.writer();
            readFirst.close(r);
            assertEquals("0, 0, 0, 0", r.toString());
        }
    }

    @Test
    void noTornLongs_seesWholeValues_inEitherOrder() {
        for (int i = 0; i < ROUNDS; i++) {
            var writeFirst = new NoTornValues.Longs();
            var r = new IIII_Result();
            writeFirst.writer();
            writeFirst.reader(r);
            writeFirst.close(r);
            assertEquals("2, 2, 2, 2", r.toString());

            var readFirst = new NoTornValues.Longs();
            r = new IIII_Result();
            readFirst.reader(r);
            readFirst.writer();
            readFirst.close(r);
            assertEquals("0, 0, 0, 0", r.toString());
        }
    }

    @Test
    void noLostMerge_countsBoth_sequentially() {
        for (int i = 0; i < ROUNDS; i++) {
            var absent = new NoLostMerge.Absent();
            absent.first();
            absent.second();
            var r = new J_Result();
            absent.arbiter(r);
            assertEquals(2, r.r1, "merge on an absent key");

            var present = new NoLostMerge.Present();
            present.second();
            present.first();
            r = new J_Result();
            present.arbiter(r);
            assertEquals(2, r.r1, "merge on a present key");

            var compute = new NoLostMerge.Compute();
            compute.first();
            compute.second();
            r = new J_Result();
            compute.arbiter(r);
            assertEquals(2, r.r1, "compute");
        }
    }

    @Test
    void presentThroughResize_neverMisses_sequentially() {
        for (int i = 0; i < ROUNDS; i++) {
            var grow = new PresentThroughGrowth();
            var r = new III_Result();
            grow.writer();
            grow.reader(r);
            grow.arbiter(r);
            assertEquals("0, 0, 21", r.toString());

            var shrink = new PresentThroughShrink();
            r = new III_Result();
            shrink.reader(r);
            shrink.writer();
            shrink.arbiter(r);
            assertEquals("0, 0, 1", r.toString());
        }
    }

    @Test
    void relocationRace_movesTheEntry_andTheReaderSeesItsValueEitherSide() {
        for (int i = 0; i < ROUNDS; i++) {
            var before = new RelocationRace();
            var r = new III_Result();
            before.reader(r);
            before.writer();
            before.arbiter(r);
            assertEquals("0, 0, 1", r.toString());

            var after = new RelocationRace();
            r = new III_Result();
            after.writer();
            after.reader(r);
            after.arbiter(r);
            assertEquals("0, 0, 1", r.toString());
        }
    }

    @Test
    void inPlaceUpdateRace_endsInAnAcceptableState_inEitherOrder() {
        for (int i = 0; i < ROUNDS; i++) {
            var updateFirst = new InPlaceUpdateRace.Primitive();
            var r = new JJ_Result();
            updateFirst.updater();
            updateFirst.mover();
            updateFirst.arbiter(r);
            assertEquals("-1, 20", r.toString(), "updated in place, then removed");

            var moveFirst = new InPlaceUpdateRace.Primitive();
            r = new JJ_Result();
            moveFirst.mover();
            moveFirst.updater();
            moveFirst.arbiter(r);
            assertEquals("11, 20", r.toString(), "removed, then put again under the lock");

            var boxedFirst = new InPlaceUpdateRace.Boxed();
            var b = new JJJ_Result();
            boxedFirst.updater(b);
            boxedFirst.mover();
            boxedFirst.arbiter(b);
            assertEquals("-1, 20, 10", b.toString(), "swapped in place, then removed");

            var boxedLast = new InPlaceUpdateRace.Boxed();
            b = new JJJ_Result();
            boxedLast.mover();
            boxedLast.updater(b);
            boxedLast.arbiter(b);
            assertEquals("11, 20, -1", b.toString(), "removed, then put again under the lock");
        }
    }
}

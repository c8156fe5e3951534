package io.hmapstore.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The policy table of DESIGN.md, row by row: which policies guarantee zeros and where they apply. */
class ReleasePolicyTest {

    @Test
    void guaranteesZeros_onAnonymous_isZeroDontneedUnmap() {
        assertEquals(EnumSet.of(ReleasePolicy.ZERO, ReleasePolicy.DONTNEED, ReleasePolicy.UNMAP), where(false, true));
    }

    @Test
    void guaranteesZeros_onFile_isZeroAndPunchHole() {
        assertEquals(EnumSet.of(ReleasePolicy.ZERO, ReleasePolicy.PUNCH_HOLE), where(true, true));
    }

    @Test
    void appliesTo_refusesPunchHoleOnAnonymousAndFreeOnFiles() {
        assertEquals(EnumSet.complementOf(EnumSet.of(ReleasePolicy.PUNCH_HOLE)), applying(false));
        assertEquals(EnumSet.complementOf(EnumSet.of(ReleasePolicy.FREE)), applying(true));
    }

    private static Set<ReleasePolicy> where(boolean fileBacked, boolean zeros) {
        EnumSet<ReleasePolicy> set = EnumSet.noneOf(ReleasePolicy.class);
        for (ReleasePolicy p : ReleasePolicy.values()) {
            if (p.guaranteesZeros(fileBacked) == zeros) {
                set.add(p);
            }
        }
        return set;
    }

    private static Set<ReleasePolicy> applying(boolean fileBacked) {
        EnumSet<ReleasePolicy> set = EnumSet.noneOf(ReleasePolicy.class);
        for (ReleasePolicy p : ReleasePolicy.values()) {
            if (p.appliesTo(fileBacked)) {
                set.add(p);
            }
        }
        return set;
    }
}

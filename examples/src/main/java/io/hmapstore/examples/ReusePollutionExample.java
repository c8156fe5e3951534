package io.hmapstore.examples;

import io.hmapstore.Codecs;
import io.hmapstore.Concurrency;
import io.hmapstore.CorruptedStoreException;
import io.hmapstore.Guard;
import io.hmapstore.OffHeapMap;
import io.hmapstore.VerifyReport;
import io.hmapstore.memory.ReleasePolicy;

/**
 * Memory that a store gives back under {@link ReleasePolicy#KEEP} (or {@code FREE}, at the kernel's choice)
 * still holds its old bytes. Reused without zeroing, an old bucket array brings its old entries back as
 * ghosts — the pollution Go programs saw with {@code MADV_FREE}. The {@link Guard#ZERO_ON_REUSE} guard
 * (on by default) zeroes reused memory unless the policy already guarantees zeros.
 *
 * <pre>mvn -q -pl examples compile exec:exec -Dexample=ReusePollutionExample</pre>
 */
public final class ReusePollutionExample {

    private static final int N = 20_000;

    private ReusePollutionExample() {
    }

    /** @param args unused */
    public static void main(String[] args) {
        System.out.println("== guard off: releasePolicy(KEEP), withoutGuards(Guard.ZERO_ON_REUSE)");
        try (OffHeapMap<Long, Long> map = open().withoutGuards(Guard.ZERO_ON_REUSE).open()) {
            fillClearRefill(map);
        }
        System.out.println("== guard on (the default), releasePolicy(KEEP)");
        try (OffHeapMap<Long, Long> map = open().open()) {
            fillClearRefill(map);
        }
    }

    private static OffHeapMap.Builder<Long, Long> open() {
        return OffHeapMap.of(Codecs.longs(), Codecs.longs())
                .releasePolicy(ReleasePolicy.KEEP)
                .concurrency(Concurrency.SINGLE_WRITER)
                .expectedEntries(8)
                .verifyReuse(); // checking mode: count the non-zero bytes of every reused block
    }

    /** Stores keys 0..N-1, clears the store, stores other keys, and looks for the old ones. */
    private static void fillClearRefill(OffHeapMap<Long, Long> map) {
        try {
            for (long k = 0; k < N; k++) {
                map.putLong(k, k);
            }
            map.clear();
            for (long k = 0; k < N; k++) {
                map.putLong(1_000_000 + k, k);
            }
            long ghosts = 0;
            for (long k = 0; k < N; k++) {
                if (map.getLong(k, -1) != -1) {
                    ghosts++;
                }
            }
            long iterated = map.keySet().stream().count();
            VerifyReport report = map.verify();
            System.out.println("   cleared keys still found: " + ghosts + " of " + N);
            System.out.println("   size() = " + map.size() + ", iteration returned " + iterated + " keys");
            System.out.println("   verify(): " + (report.isClean() ? "clean"
                    : report.problems().size() + " problems, e.g. " + report.problems().get(0)));
        } catch (CorruptedStoreException e) {
            // An old overflow offset in reused memory was followed; the offset check stopped at a freed block.
            System.out.println("   old bytes were read as live structure: CorruptedStoreException: " + e.getMessage());
        }
        System.out.println("   reused memory held " + map.stats().reusedNonZeroBytes() + " non-zero bytes when handed out");
    }
}

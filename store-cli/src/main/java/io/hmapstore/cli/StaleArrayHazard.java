package io.hmapstore.cli;

import static io.hmapstore.cli.Hazard.Trial.figures;

import io.hmapstore.Codecs;
import io.hmapstore.Concurrency;
import io.hmapstore.Guard;
import io.hmapstore.OffHeapMap;
import io.hmapstore.StaleViewException;
import io.hmapstore.ValueView;
import io.hmapstore.memory.ReleasePolicy;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Dangling old buckets after growth: a {@link ValueView} of an inline value points into its
 * segment's bucket array. Growth evacuates that array and retires it, and the allocator hands its
 * memory to the next array or overflow bucket. Unguarded, the view goes on reading whatever lives
 * there now; guarded, its generation stamp no longer matches and it throws {@link StaleViewException}.
 */
final class StaleArrayHazard implements Hazard {
    private static final long KEY = 1;
    private static final long VALUE = 42;
    private static final int GROWTH_KEYS = 50_000;

    @Override
    public String name() {
        return "stale-view";
    }

    @Override
    public String title() {
        return "dangling old buckets after growth (a view held across the retirement and reuse of its array)";
    }

    @Override
    public String test() {
        return "GuardsTest.StaleViewCheck";
    }

    @Override
    public String example() {
        return "StaleViewExample";
    }

    /** Every other key's value names its key, so foreign bytes read through the view can be traced. */
    private static long valueOf(long key) {
        return key * 1000 + 1;
    }

    @Override
    public Trial run(boolean guarded, Settings settings) {
        Guard[] off = guarded ? new Guard[0] : new Guard[] {Guard.STALE_VIEW_CHECK};
        // KEEP: the retired array goes back to the allocator as it is, so its reuse is not delayed by a release.
        try (OffHeapMap<Long, Long> store = OffHeapMap.of(Codecs.longs(), Codecs.longs())
                .concurrency(Concurrency.SINGLE_WRITER).releasePolicy(ReleasePolicy.KEEP).expectedEntries(8)
                .withoutGuards(off).open()) {
            store.putLong(KEY, VALUE);
            ValueView view = store.view(KEY);
            long growthsBefore = store.stats().growths();
            for (long k = KEY + 1; k <= GROWTH_KEYS; k++) {
                store.putLong(k, valueOf(k));
            }
            long growths = store.stats().growths() - growthsBefore;
            try {
                long seen = MemorySegment.ofArray(view.toArray()).get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
                if (seen == VALUE) {
                    return Trial.prevented("after " + growths + " doublings the view of key " + KEY
                            + " still read " + VALUE + ": its old array was not reused this time",
                            figures("growths", growths, "viewRead", seen));
                }
                long owner = (seen - 1) / 1000;
                String whose = seen > 1 && (seen - 1) % 1000 == 0 && store.getLong(owner, -1) == seen
                        ? "key " + owner + "'s value" : seen == 0 ? "zeros" : "bytes of no live value";
                return Trial.shown("after " + growths + " doublings the view of key " + KEY + " (" + VALUE + ") read "
                        + seen + ": " + whose + ", out of its retired and reused bucket array",
                        figures("growths", growths, "viewRead", seen, "viewReadIs", whose));
            } catch (StaleViewException e) {
                return Trial.prevented("after " + growths + " doublings: StaleViewException: " + e.getMessage(),
                        figures("growths", growths, "exception", e.getClass().getSimpleName(), "message", e.getMessage()));
            }
        }
    }
}

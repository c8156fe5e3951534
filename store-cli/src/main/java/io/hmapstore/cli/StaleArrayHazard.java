package io.hmapstore.cli;

import static io.hmapstore.cli.Hazard.Trial.figures;

import io.hmapstore.Codecs;
import io.hmapstore.Concurrency;
import io.hmapstore.Guard;
import io.hmapstore.OffHeapMap;
import io.hmapstore.StaleViewException;
import io.hmapstore.ValueView;
import io.hmapstore.memory.ReleasePolicy;
import io.hmapstore.inspect.StoreProbe;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Dangling old buckets after growth: a {@link ValueView} of an inline value points into its
 * segment's bucket array. Growth evacuates that array and retires it, and the allocator hands its
 * memory to a later array or overflow bucket. Unguarded, the views go on reading whatever lives
 * there now; guarded, their generation stamps no longer match and they throw {@link StaleViewException}.
 */
final class StaleArrayHazard implements Hazard {
    private static final int VIEWS = 8;
    private static final int GROWTH_STEP = 1_000;
    private static final int MAX_KEYS = 500_000;

    @Override
    public About about() {
        return new About("stale-view",
                "dangling old buckets after growth (views held across the retirement and reuse of their array)",
                "GuardsTest.StaleViewCheck", "StaleViewExample", false);
    }

    /** Every key's value names its key, so foreign bytes read through the view can be traced. */
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
            // Several views: a key whose evacuated copy happens to land on its own old slot again reads its
            // own value through a stale view, so one view alone may hide the hazard.
            ValueView[] views = new ValueView[VIEWS];
            long[] slots = new long[VIEWS];
            StoreProbe probe = StoreProbe.of(store);
            for (int v = 0; v < VIEWS; v++) {
                store.putLong(v + 1, valueOf(v + 1));
                views[v] = store.view(v + 1L);
                slots[v] = valueSlot(probe, v + 1);
            }
            long growthsBefore = store.stats().growths();
            // Grow until the allocator has handed an old slot to something else: when that happens depends
            // on the hash seed and the allocator, so it is watched for (through the probe, so that the
            // guarded run, whose views cannot be read, runs the same workload), not assumed.
            long k = VIEWS + 1;
            while (k <= MAX_KEYS && !anyReused(probe, slots)) {
                for (long end = k + GROWTH_STEP; k < end; k++) {
                    store.putLong(k, valueOf(k));
                }
            }
            long growths = store.stats().growths() - growthsBefore;
            String after = "after " + growths + " doublings (" + (k - 1) + " keys)";
            var figures = figures("growths", growths, "keys", k - 1, "views", VIEWS);
            int stale = 0;
            String refused = null;
            for (int v = 0; v < VIEWS; v++) {
                long key = v + 1;
                try {
                    long seen = MemorySegment.ofArray(views[v].toArray()).get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
                    if (seen != valueOf(key)) {
                        long owner = (seen - 1) / 1000;
                        String whose = seen > 1 && (seen - 1) % 1000 == 0 && store.getLong(owner, -1) == seen
                                ? "key " + owner + "'s value" : seen == 0 ? "zeros" : "bytes of no live value";
                        figures.put("viewKey", key);
                        figures.put("viewRead", seen);
                        figures.put("viewReadIs", whose);
                        return Trial.shown(after + " the view of key " + key + " (" + valueOf(key) + ") read " + seen
                                + ": " + whose + ", out of its retired and reused bucket array", figures);
                    }
                } catch (StaleViewException e) {
                    stale++;
                    refused = refused != null ? refused : e.getMessage();
                }
            }
            figures.put("staleViewExceptions", stale);
            figures.put("message", refused);
            if (stale == VIEWS) {
                return Trial.prevented(after + ": all " + VIEWS + " views threw StaleViewException, e.g. " + refused,
                        figures);
            }
            return Trial.prevented(after + " " + (VIEWS - stale) + " of " + VIEWS + " views still read their own "
                    + "values: their old slots were not reused by another entry", figures);
        }
    }

    private static boolean anyReused(StoreProbe probe, long[] slots) {
        for (int v = 0; v < slots.length; v++) {
            if (probe.memory().get(ValueLayout.JAVA_LONG_UNALIGNED, slots[v]) != valueOf(v + 1)) {
                return true;
            }
        }
        return false;
    }

    /** Where {@code key}'s value sits in its bucket array, found as a lookup would: its bucket, then its slot. */
    private static long valueSlot(StoreProbe probe, long key) {
        long bucket = probe.bucketArray(probe.segmentOf(key)) + probe.bucketOf(key) * probe.bucketSize();
        for (int i = 0; i < StoreProbe.slots(); i++) {
            if (probe.memory().get(ValueLayout.JAVA_LONG_UNALIGNED, probe.keyAt(bucket, i)) == key) {
                return probe.valueAt(bucket, i);
            }
        }
        throw new IllegalStateException("key " + key + " is not in its bucket");
    }
}

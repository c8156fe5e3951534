package io.hmapstore.cli;

import static io.hmapstore.cli.Hazard.Trial.figures;

import io.hmapstore.Codecs;
import io.hmapstore.Concurrency;
import io.hmapstore.Guard;
import io.hmapstore.OffHeapMap;
import io.hmapstore.inspect.StoreProbe;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A write into an unmade map, Go's {@code assignment to entry in nil map}: a fresh store's segments
 * have no bucket array until their first write. Unguarded, {@code put} addresses bucket array 0 and
 * writes over the store's own header page; guarded, the segment's array is made first, and a
 * segment that claims entries but has no array is refused by name.
 */
final class UnmadeMapHazard implements Hazard {
    private static final long SEED = 42;
    private static final long KEY = 7;
    private static final long VALUE = 8;

    @Override
    public About about() {
        return new About("unmade-map",
                "write into an unmade map (segment never made)",
                "CorruptionTest (unmadeSegment_*)", "-", false);
    }

    @Override
    public Trial run(boolean guarded, Settings settings) {
        // OFFSET_CHECK goes too when unguarded: with it on, bucket array 0 would be refused as an
        // offset outside the heap, and the write into the nil map would never be seen landing.
        Guard[] off = guarded ? new Guard[0] : new Guard[] {Guard.MAKE_BEFORE_WRITE, Guard.OFFSET_CHECK};
        try (OffHeapMap<Long, Long> store = OffHeapMap.of(Codecs.longs(), Codecs.longs())
                .concurrency(Concurrency.SINGLE_WRITER).expectedEntries(8).seed(SEED).withoutGuards(off).open()) {
            StoreProbe probe = StoreProbe.of(store);
            MemorySegment m = probe.memory();
            int seg = probe.segmentOf(KEY);
            long arrayBefore = probe.bucketArray(seg);
            // Where the key's bucket is if the array is taken to start at offset 0, as an unmade one would be.
            long misplaced = probe.bucketOf(KEY) * probe.bucketSize();
            MemorySegment there = m.asSlice(misplaced, probe.bucketSize());
            byte[] before = there.toArray(ValueLayout.JAVA_BYTE);
            store.putLong(KEY, VALUE);
            byte[] after = there.toArray(ValueLayout.JAVA_BYTE);
            int changed = 0;
            for (int i = 0; i < before.length; i++) {
                changed += before[i] != after[i] ? 1 : 0;
            }
            long arrayAfter = probe.bucketArray(seg);
            long headersEnd = probe.headersStart() + store.stats().segments() * StoreProbe.segmentHeaderSize();
            String area = misplaced < probe.headersStart() ? "the store's header page"
                    : misplaced < headersEnd ? "segment " + (misplaced - probe.headersStart())
                            / StoreProbe.segmentHeaderSize() + "'s header" : "the entry heap";
            var figures = figures("segment", seg, "bucketArrayBefore", arrayBefore, "bucketArrayAfter", arrayAfter,
                    "misplacedOffset", misplaced, "bytesChangedThere", changed);
            if (arrayAfter == 0 && changed > 0) {
                return Trial.shown(String.format("put(%d, %d) into segment %d, whose bucket array is 0, wrote its slot "
                                + "into bucket %d counted from offset 0 (0x%x, %d B a bucket): %d bytes of %s changed; "
                                + "the segment still has no array", KEY, VALUE, seg, probe.bucketOf(KEY), misplaced,
                                probe.bucketSize(), changed, area),
                        figures);
            }
            String refusal = refuseCountedButUnmade(off);
            figures.put("countedButUnmade", refusal);
            boolean made = arrayBefore == 0 && arrayAfter != 0 && store.getLong(KEY, -1) == VALUE;
            String summary = String.format("segment %d's bucket array made before the write (0 -> 0x%x), %d bytes "
                    + "changed at offset 0x%x; a segment counting entries without an array: %s", seg, arrayAfter,
                    changed, misplaced, refusal);
            return made && changed == 0 && refusal.startsWith("IllegalStateException")
                    ? Trial.prevented(summary, figures) : Trial.shown(summary, figures);
        }
    }

    /**
     * On another fresh store, makes the key's segment claim 3 entries without an array, as a stray
     * write would, then writes to it: the guard refuses rather than guess which is true.
     */
    private static String refuseCountedButUnmade(Guard[] off) {
        try (OffHeapMap<Long, Long> store = OffHeapMap.of(Codecs.longs(), Codecs.longs())
                .concurrency(Concurrency.SINGLE_WRITER).expectedEntries(1000).seed(SEED).withoutGuards(off).open()) {
            StoreProbe probe = StoreProbe.of(store);
            probe.memory().set(ValueLayout.JAVA_LONG, probe.countField(probe.segmentOf(KEY)), 3L);
            store.putLong(KEY, VALUE);
            return "the write went through";
        } catch (IllegalStateException e) {
            return "IllegalStateException: " + e.getMessage();
        }
    }
}

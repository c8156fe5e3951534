package io.hmapstore.cli;

import static io.hmapstore.cli.Hazard.Trial.figures;

import io.hmapstore.Codecs;
import io.hmapstore.Concurrency;
import io.hmapstore.CorruptedStoreException;
import io.hmapstore.Guard;
import io.hmapstore.OffHeapMap;
import io.hmapstore.memory.MappedRegion;
import io.hmapstore.memory.ReleasePolicy;
import io.hmapstore.inspect.StoreProbe;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Reused memory still holding old bytes (Go's {@code madvdontneed=0}, {@code MADV_FREE}) under one
 * release policy: a store is filled, cleared (its bucket arrays, overflow buckets and entries go back
 * through the policy) and filled with other keys, which take the same memory again. Unguarded, what
 * the policy left there shows through: old bytes handed out (counted by {@code verifyReuse()}),
 * cleared keys found again, a {@code verify()} that fails, or an old offset followed into freed
 * memory. Guarded, memory is zeroed on reuse unless the policy guarantees zeros, and every count is 0.
 *
 * <p>With {@code reclaim}, the kernel's lazy {@code MADV_FREE} reclaim is forced between the clear
 * and the refill (with {@code MADV_PAGEOUT}, as the harness does), so the refill finds what the
 * kernel left: usually zeros, which is the other half of FREE's "old bytes or zeros".
 */
final class ReuseHazard implements Hazard {
    private final ReleasePolicy policy;
    private final boolean fileBacked;
    private final boolean reclaim;

    private ReuseHazard(ReleasePolicy policy, boolean fileBacked, boolean reclaim) {
        this.policy = policy;
        this.fileBacked = fileBacked;
        this.reclaim = reclaim;
    }

    /** @return one hazard per release policy that leaves old bytes, on the memory it applies to */
    static List<Hazard> all() {
        return List.of(new ReuseHazard(ReleasePolicy.KEEP, false, false),
                new ReuseHazard(ReleasePolicy.FREE, false, false),
                new ReuseHazard(ReleasePolicy.FREE, false, true),
                new ReuseHazard(ReleasePolicy.PAGEOUT, false, false),
                new ReuseHazard(ReleasePolicy.COLD, false, false),
                new ReuseHazard(ReleasePolicy.DONTNEED, true, false),
                new ReuseHazard(ReleasePolicy.UNMAP, true, false));
    }

    @Override
    public About about() {
        return new About("reuse-" + (fileBacked ? "file-" : "") + policy.name().toLowerCase(Locale.ROOT)
                + (reclaim ? "-reclaimed" : ""),
                "reused memory still holding old bytes: " + policy + (fileBacked ? " on a shared file mapping"
                : " on anonymous memory") + (reclaim ? ", lazy reclaim forced (MADV_PAGEOUT)" : ""),
                fileBacked ? "HarnessCommandTest (file-store pollution)" : "ReuseCheckTest, GuardsTest.ZeroOnReuse", "ReusePollutionExample", policy == ReleasePolicy.FREE);
    }

    @Override
    public Trial run(boolean guarded, Settings settings) throws Exception {
        return fileBacked ? settings.onStoreFile(file -> run(guarded, settings.reuseEntries(), file))
                : run(guarded, settings.reuseEntries(), null);
    }

    private Trial run(boolean guarded, int n, Path file) {
        OffHeapMap.Builder<Long, String> builder = OffHeapMap.of(Codecs.longs(), Codecs.utf8())
                .concurrency(Concurrency.SINGLE_WRITER).releasePolicy(policy).expectedEntries(n).verifyReuse()
                .withoutGuards(guarded ? new Guard[0] : new Guard[] {Guard.ZERO_ON_REUSE});
        try (OffHeapMap<Long, String> store = (file != null ? builder.persistTo(file) : builder).open()) {
            MappedRegion region = StoreProbe.of(store).region();
            for (long k = 0; k < n; k++) {
                store.put(k, value(k));
            }
            store.clear();
            long residentAfterClear = region.residentBytes(0, region.size());
            long residentAfterReclaim = -1;
            if (reclaim) {
                CellRunner.forceReclaim(region);
                residentAfterReclaim = region.residentBytes(0, region.size());
            }
            String reclaimed = reclaim ? String.format(Locale.ROOT, " (resident after clear %.1f MiB, after forced "
                    + "reclaim %.1f MiB)", mib(residentAfterClear), mib(residentAfterReclaim)) : "";
            long ghosts = 0;
            String failure = null;
            long oldBytes = -1;
            int problems = -1;
            try {
                for (long k = 0; k < n; k++) {
                    store.put(1_000_000 + k, value(1_000_000 + k));
                }
                for (long k = 0; k < n; k++) {
                    ghosts += store.containsKey(k) ? 1 : 0;
                }
                problems = store.verify().problems().size();
            } catch (CorruptedStoreException e) {
                // An old overflow offset in reused memory was followed; the offset check stopped at a freed block.
                failure = "CorruptedStoreException: " + e.getMessage();
            }
            try {
                oldBytes = store.stats().reusedNonZeroBytes();
            } catch (CorruptedStoreException e) {
                // stats() walks every chain, so a table the refill tore can refuse it too; the count is then unknown.
                failure = failure != null ? failure : "CorruptedStoreException: " + e.getMessage();
            }
            var figures = figures("entries", n, "reusedNonZeroBytes", oldBytes, "ghostKeys", ghosts,
                    "verifyProblems", problems, "corruption", failure, "residentAfterClearBytes", residentAfterClear,
                    "residentAfterReclaimBytes", residentAfterReclaim);
            if (oldBytes == 0 && ghosts == 0 && problems == 0) {
                return Trial.prevented((guarded ? "zeroed on reuse" : "the kernel handed back zeros")
                        + ": 0 non-zero bytes in reused memory, 0 of " + n + " cleared keys found, verify clean"
                        + reclaimed, figures);
            }
            String bytes = oldBytes < 0 ? "old bytes read back" : oldBytes + " old bytes read back";
            String what = failure != null
                    ? bytes + ", then an old offset followed: " + failure
                    : bytes + ", " + ghosts + " of " + n + " cleared keys found again (ghosts), "
                            + "verify: " + (problems == 0 ? "clean" : problems + " problems");
            return Trial.shown(what + reclaimed, figures);
        }
    }

    private static String value(long key) {
        return "the value of key " + key;
    }

    private static double mib(long bytes) {
        return bytes / (double) (1 << 20);
    }
}

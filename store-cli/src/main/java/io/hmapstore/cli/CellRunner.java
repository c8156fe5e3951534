package io.hmapstore.cli;

import io.hmapstore.Codecs;
import io.hmapstore.Concurrency;
import io.hmapstore.CorruptedStoreException;
import io.hmapstore.Guard;
import io.hmapstore.OffHeapMap;
import io.hmapstore.StoreStats;
import io.hmapstore.VerifyReport;
import io.hmapstore.cli.CellResult.Backing;
import io.hmapstore.cli.CellResult.GuardOff;
import io.hmapstore.cli.CellResult.Reclaim;
import io.hmapstore.memory.MappedRegion;
import io.hmapstore.memory.ProcessMemory;
import io.hmapstore.memory.ReleasePolicy;
import io.hmapstore.inspect.StoreProbe;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one harness cell: a fresh store (or file region), the workload timed operation by operation,
 * memory read before, during (through the {@link RssSampler}) and after, then the same workload on
 * a small store with the ZERO_ON_REUSE guard off to show the hazard the guard prevents.
 *
 * <p>Every store is opened with {@code verifyReuse()}, so the guarded pollution figure is measured,
 * not assumed; the price is a scan of each reused block, which the latencies include.
 */
final class CellRunner {

    private static final AtomicInteger FILES = new AtomicInteger();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final HarnessSizes sizes;
    private final RssSampler sampler;
    private final Path fileDirectory;
    private final LatencyRecorder recorder;
    /** The guard-off runs' latencies are not reported; they get their own recorder so they cannot leak in. */
    private final LatencyRecorder scratch;

    /**
     * @param sizes         how big each cell is
     * @param sampler       the running RSS sampler
     * @param fileDirectory where file regions put their temporary files
     */
    CellRunner(HarnessSizes sizes, RssSampler sampler, Path fileDirectory) {
        this.sizes = sizes;
        this.sampler = sampler;
        this.fileDirectory = fileDirectory;
        this.recorder = new LatencyRecorder(sizes.afterReleaseWindow());
        this.scratch = new LatencyRecorder(sizes.afterReleaseWindow());
    }

    /**
     * Runs one cell.
     *
     * @param backing   store or file region
     * @param workload  the workload
     * @param policy    the release policy; must apply to the backing
     * @param hugePages whether to advise transparent huge pages
     * @return what it measured
     * @throws IOException if the file region's temporary file cannot be made or removed
     */
    CellResult run(Backing backing, Workload workload, ReleasePolicy policy, boolean hugePages) throws IOException {
        if (!policy.appliesTo(backing.fileBacked())) {
            throw new IllegalArgumentException("release policy " + policy + " does not apply to a " + backing.label());
        }
        return switch (backing) {
            case STORE -> runStore(backing, workload, policy, hugePages, null);
            case FILE_STORE -> {
                Path file = temporaryFile();
                try {
                    yield runStore(backing, workload, policy, hugePages, file);
                } finally {
                    Files.deleteIfExists(file);
                }
            }
            case FILE_REGION -> runRegion(workload, policy, hugePages);
        };
    }

    private static OffHeapMap.Builder<Long, String> builder(Workload workload, ReleasePolicy policy, boolean hugePages,
            long entries, Path file) {
        OffHeapMap.Builder<Long, String> b = OffHeapMap.of(Codecs.longs(), Codecs.utf8())
                .expectedEntries(workload.presized() ? entries : 0)
                .releasePolicy(policy)
                .concurrency(Concurrency.SINGLE_WRITER)
                .verifyReuse();
        if (file != null) {
            b = b.persistTo(file);
        }
        return hugePages ? b.transparentHugePages() : b;
    }

    private CellResult runStore(Backing backing, Workload workload, ReleasePolicy policy, boolean hugePages, Path file)
            throws IOException {
        long n = sizes.entries();
        recorder.reset();
        try (OffHeapMap<Long, String> store = builder(workload, policy, hugePages, n, file).open()) {
            MappedRegion region = StoreProbe.of(store).region();
            StoreTarget target = new StoreTarget(store, recorder);
            try {
                ProcessMemory.Snapshot before = ProcessMemory.snapshot();
                long residentBefore = region.residentBytes(0, region.size());
                long cpuStart = THREADS.getCurrentThreadCpuTime();
                long start = System.nanoTime();
                workload.run(target, n);
                long end = System.nanoTime();
                long cpu = THREADS.getCurrentThreadCpuTime() - cpuStart;
                ProcessMemory.Snapshot after = ProcessMemory.snapshot();
                StoreStats stats = store.stats();
                if (target.missingRemoves() != 0) {
                    throw new IllegalStateException(workload.label() + " under " + policy + ": " + target.missingRemoves()
                            + " keys that were put were not found by remove, with every guard on");
                }
                Reclaim reclaim = null;
                GuardOff guardOff;
                if (policy == ReleasePolicy.FREE) {
                    long rssBefore = ProcessMemory.snapshot().rssBytes();
                    long residentBeforeReclaim = region.residentBytes(0, region.size());
                    forceReclaim(region);
                    long rssAfter = ProcessMemory.snapshot().rssBytes();
                    long residentAfterReclaim = region.residentBytes(0, region.size());
                    GuardOff[] refills = new GuardOff[2];
                    guardOff = guardOffStore(workload, policy, hugePages, refills, file != null);
                    reclaim = new Reclaim(rssBefore, rssAfter, residentBeforeReclaim, residentAfterReclaim,
                            refills[0], refills[1]);
                } else {
                    guardOff = guardOffStore(workload, policy, hugePages, null, file != null);
                }
                return new CellResult(backing, workload, policy, hugePages, n, recorder.all(),
                        recorder.afterRelease(), (end - start) / 1e9, cpu / 1e9, before.rssBytes(),
                        peak(before.rssBytes(), after.rssBytes(), start, end), after.rssBytes(), residentBefore,
                        stats.residentBytes(), after.minorFaults() - before.minorFaults(),
                        after.majorFaults() - before.majorFaults(), stats.releaseNanos(),
                        stats.releasedBytes().values().stream().mapToLong(Long::longValue).sum(),
                        stats.growths() + stats.sameSizeGrowths() + stats.shrinks(), stats.reusedNonZeroBytes(),
                        guardOff, reclaim, start, end);
            } finally {
                target.close();
            }
        }
    }

    /**
     * The workload on a small store with ZERO_ON_REUSE off. For FREE, {@code refills} receives
     * what a refill after {@code clear()} was handed without, then with, forced reclaim.
     */
    private GuardOff guardOffStore(Workload workload, ReleasePolicy policy, boolean hugePages, GuardOff[] refills,
            boolean fileBacked) throws IOException {
        long n = sizes.guardOffEntries();
        scratch.reset();
        Path file = fileBacked ? temporaryFile() : null;
        try (OffHeapMap<Long, String> store = builder(workload, policy, hugePages, n, file)
                .withoutGuards(Guard.ZERO_ON_REUSE).open()) {
            StoreTarget target = new StoreTarget(store, scratch);
            String outcome = "ok";
            long bytes = 0;
            try {
                workload.run(target, n);
                bytes = store.stats().reusedNonZeroBytes();
                VerifyReport report = store.verify();
                if (target.missingRemoves() != 0) {
                    outcome = "lost " + target.missingRemoves() + " entries";
                } else if (!report.isClean()) {
                    int problems = report.problems().size();
                    outcome = "ghosts: " + problems + (problems == 1 ? " problem" : " problems");
                }
            } catch (CorruptedStoreException e) {
                // The hazard showing: reused bucket arrays held offsets into freed memory.
                bytes = store.stats().reusedNonZeroBytes();
                outcome = "corrupted";
            }
            if (refills != null) {
                MappedRegion region = StoreProbe.of(store).region();
                refills[0] = refill(store, target, n, null);
                refills[1] = refill(store, target, n, region);
            }
            return new GuardOff(bytes, outcome);
        } finally {
            scratch.reset();
            if (file != null) {
                Files.deleteIfExists(file);
            }
        }
    }

    /**
     * Clears the store, forces reclaim over {@code region} if given, refills {@code n} entries and
     * returns the non-zero bytes that refill was handed, up to a corruption if one stopped it.
     */
    private static GuardOff refill(OffHeapMap<Long, String> store, StoreTarget target, long n, MappedRegion reclaim) {
        store.clear();
        if (reclaim != null) {
            forceReclaim(reclaim);
        }
        long before = store.stats().reusedNonZeroBytes();
        String outcome = "ok";
        try {
            for (long i = 0; i < n; i++) {
                target.add();
            }
        } catch (CorruptedStoreException e) {
            outcome = "corrupted";
        }
        return new GuardOff(store.stats().reusedNonZeroBytes() - before, outcome);
    }

    /** How many times {@link #forceReclaim} calls {@code MADV_PAGEOUT}. */
    static final int RECLAIM_TRIES = 4;

    /**
     * Forces MADV_FREE's lazy reclaim over the whole region with {@code MADV_PAGEOUT}, which (with
     * no swap) discards the lazily freed pages and cannot touch live ones. Called a few times, a
     * millisecond apart: {@code MADV_FREE} leaves up to a batch of pages on a per-CPU list before
     * they are marked lazily free, and {@code MADV_PAGEOUT} drains only the list of the CPU it runs
     * on, so one call made after the thread moved CPUs can leave that batch resident with its old
     * bytes (seen here: about a dozen pages, once in a default run).
     */
    static void forceReclaim(MappedRegion region) {
        for (int i = 0; i < RECLAIM_TRIES; i++) {
            if (i > 0) {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            region.release(0, region.size(), ReleasePolicy.PAGEOUT);
        }
    }

    private CellResult runRegion(Workload workload, ReleasePolicy policy, boolean hugePages) throws IOException {
        long n = sizes.entries();
        recorder.reset();
        Path file = temporaryFile();
        try (MappedRegion region = openRegion(file, n, hugePages)) {
            RegionTarget target = new RegionTarget(region, policy, true, recorder);
            ProcessMemory.Snapshot before = ProcessMemory.snapshot();
            long residentBefore = region.residentBytes(0, region.size());
            long cpuStart = THREADS.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            workload.run(target, n);
            long end = System.nanoTime();
            long cpu = THREADS.getCurrentThreadCpuTime() - cpuStart;
            ProcessMemory.Snapshot after = ProcessMemory.snapshot();
            long residentAfter = region.residentBytes(0, region.size());
            GuardOff guardOff = guardOffRegion(workload, policy, hugePages);
            return new CellResult(Backing.FILE_REGION, workload, policy, hugePages, n, recorder.all(),
                    recorder.afterRelease(), (end - start) / 1e9, cpu / 1e9, before.rssBytes(),
                    peak(before.rssBytes(), after.rssBytes(), start, end), after.rssBytes(), residentBefore,
                    residentAfter, after.minorFaults() - before.minorFaults(),
                    after.majorFaults() - before.majorFaults(), target.releaseNanos(), target.releasedBytes(), -1,
                    target.pollutionBytes(), guardOff, null, start, end);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private GuardOff guardOffRegion(Workload workload, ReleasePolicy policy, boolean hugePages) throws IOException {
        long n = sizes.guardOffEntries();
        scratch.reset();
        Path file = temporaryFile();
        try (MappedRegion region = openRegion(file, n, hugePages)) {
            RegionTarget target = new RegionTarget(region, policy, false, scratch);
            workload.run(target, n);
            return new GuardOff(target.pollutionBytes(), "ok");
        } finally {
            Files.deleteIfExists(file);
            scratch.reset();
        }
    }

    private static MappedRegion openRegion(Path file, long records, boolean hugePages) {
        long bytes = RegionTarget.regionBytes(records);
        MappedRegion region = MappedRegion.file(file, bytes, bytes);
        if (hugePages) {
            try {
                region.adviseHugePages(0, region.size());
            } catch (RuntimeException e) {
                region.close();
                throw e;
            }
        }
        return region;
    }

    private Path temporaryFile() throws IOException {
        Path file = fileDirectory.resolve("hmapstore-harness-" + ProcessHandle.current().pid() + "-"
                + FILES.incrementAndGet() + ".map");
        Files.deleteIfExists(file);
        return file;
    }

    /** The cell's peak: the sampler's readings may miss the ends, which the cell read itself. */
    private long peak(long before, long after, long startNanos, long endNanos) {
        return Math.max(Math.max(before, after), sampler.peak(startNanos, endNanos));
    }
}

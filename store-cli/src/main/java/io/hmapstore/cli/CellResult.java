package io.hmapstore.cli;

import io.hmapstore.cli.LatencyRecorder.Percentiles;
import io.hmapstore.memory.ReleasePolicy;
import java.util.List;
import java.util.function.Function;

/**
 * What one harness cell measured: one workload, one release policy, transparent huge pages advised
 * or not, on a fresh store (or file region). {@link #COLUMNS} is the one list the CSV, the JSON
 * and the report are written from, so the three cannot disagree.
 *
 * @param backing          what the cell ran on
 * @param workload         the workload
 * @param policy           the release policy
 * @param hugePages        whether MADV_HUGEPAGE was advised
 * @param entries          the workload's size
 * @param latency          every timed operation
 * @param afterRelease     the operations right after a clear or a run of removals
 * @param seconds          wall time of the workload
 * @param cpuSeconds       CPU time of the thread that ran it: less disturbed than wall time when
 *                         other processes share the machine
 * @param rssBefore        process RSS when the fresh store was open, bytes
 * @param rssPeak          highest process RSS seen during the workload (sampled), bytes
 * @param rssAfter         process RSS when the workload ended, store still open, bytes
 * @param residentBefore   the store's (region's) resident bytes by mincore, fresh
 * @param residentAfter    the store's (region's) resident bytes by mincore at the end
 * @param minorFaults      minor page faults of the process during the workload
 * @param majorFaults      major page faults of the process during the workload
 * @param releaseNanos     time inside release calls
 * @param releasedBytes    bytes handed to the release policy (0 for KEEP, which makes no call)
 * @param resizes          table growths and shrinks started; -1 for a file region, which has no table
 * @param pollutionGuarded non-zero bytes in reused memory with ZERO_ON_REUSE on: must be 0
 * @param guardOff         the same workload on a small store (region) with ZERO_ON_REUSE off
 * @param reclaim          FREE only: the forced reclaim; {@code null} for every other policy
 * @param startNanos       {@link System#nanoTime()} at the workload's start, for the RSS plot
 * @param endNanos         {@link System#nanoTime()} at its end
 */
record CellResult(Backing backing, Workload workload, ReleasePolicy policy, boolean hugePages, long entries,
                  Percentiles latency, Percentiles afterRelease, double seconds, double cpuSeconds,
                  long rssBefore, long rssPeak, long rssAfter, long residentBefore, long residentAfter,
                  long minorFaults, long majorFaults, long releaseNanos, long releasedBytes, long resizes,
                  long pollutionGuarded, GuardOff guardOff, Reclaim reclaim, long startNanos, long endNanos) {

    /** What a cell runs on. */
    enum Backing {
        /** An anonymous {@code OffHeapMap}. */
        STORE("anon store"),
        /** An {@code OffHeapMap} persisted to a temporary file ({@code persistTo}). */
        FILE_STORE("file store"),
        /** A {@code MappedRegion.file} churned as a store's allocator would, to show each policy's file semantics alone. */
        FILE_REGION("file region");

        private final String label;

        Backing(String label) {
            this.label = label;
        }

        /** @return the name in tables and files */
        String label() {
            return label;
        }

        /** @return whether the memory is a shared file mapping */
        boolean fileBacked() {
            return this != STORE;
        }
    }

    /**
     * The pollution hazard, shown: the workload on a small store with ZERO_ON_REUSE off.
     *
     * @param bytes   non-zero bytes found in reused memory as it was handed out
     * @param outcome {@code "ok"}, or how else the hazard showed: {@code "ghosts: N problems"} (verify
     *                found entries that came back from reused bucket arrays), {@code "lost N entries"},
     *                {@code "corrupted"} (a {@code CorruptedStoreException} stopped the workload)
     */
    record GuardOff(long bytes, String outcome) {
    }

    /**
     * FREE's lazy reclaim forced with {@code MADV_PAGEOUT} over the store's whole region at the end
     * of the workload (a few calls: see {@code CellRunner.forceReclaim}). Pollution is measured on the guard-off store: after a {@code clear()}, a
     * refill without forcing reclaim, then after another {@code clear()} a refill with it. What a
     * refill after forcing still finds is reuse within the refill itself (free-listed overflow
     * buckets, arrays retired as an unsized store grows), which no release policy touches.
     *
     * @param rssBefore       process RSS before forcing, bytes
     * @param rssAfter        process RSS after forcing
     * @param residentBefore  the store's resident bytes before forcing
     * @param residentAfter   the store's resident bytes after forcing
     * @param before          the guard-off refill without forcing
     * @param after           the guard-off refill after forcing
     */
    record Reclaim(long rssBefore, long rssAfter, long residentBefore, long residentAfter, GuardOff before,
                   GuardOff after) {
    }

    /** @return operations per second over the workload's wall time */
    double opsPerSecond() {
        return seconds > 0 ? latency.count() / seconds : 0;
    }

    /**
     * One output column: a name (snake_case, the CSV header and JSON key), what it means (for the
     * report), and how to read it from a result: a {@link Number}, a {@link String}, or
     * {@code null} for "does not apply".
     *
     * @param name        the header
     * @param meaning     a short definition, with its unit
     * @param value       the reader
     */
    record Column(String name, String meaning, Function<CellResult, Object> value) {
    }

    /** Every column, in CSV order. */
    static final List<Column> COLUMNS = List.of(
            new Column("backing", "what the cell ran on: anon store, or file region (a MappedRegion.file churned as a store would)",
                    r -> r.backing.label()),
            new Column("workload", "the workload", r -> r.workload.label()),
            new Column("policy", "the release policy", r -> r.policy.name()),
            new Column("thp", "MADV_HUGEPAGE advised: on/off", r -> r.hugePages ? "on" : "off"),
            new Column("entries", "the workload's size (entries, or 64-byte records)", r -> r.entries),
            new Column("ops", "timed operations (put/remove, or record add/remove)", r -> r.latency.count()),
            new Column("seconds", "wall time of the workload, s", r -> r.seconds),
            new Column("cpu_seconds", "CPU time of the thread that ran the workload, s", r -> r.cpuSeconds),
            new Column("ops_per_sec", "throughput, operations per second of wall time", r -> r.opsPerSecond()),
            new Column("p50_ns", "median operation latency, ns", r -> r.latency.p50()),
            new Column("p99_ns", "99th percentile latency, ns", r -> r.latency.p99()),
            new Column("p999_ns", "99.9th percentile latency, ns", r -> r.latency.p999()),
            new Column("max_ns", "the slowest operation, ns", r -> r.latency.max()),
            new Column("after_release_ops", "operations timed as first touches after a release", r -> r.afterRelease.count()),
            new Column("after_release_p50_ns", "their median, ns", r -> absentIfNone(r, r.afterRelease.p50())),
            new Column("after_release_p99_ns", "their 99th percentile, ns", r -> absentIfNone(r, r.afterRelease.p99())),
            new Column("after_release_p999_ns", "their 99.9th percentile, ns", r -> absentIfNone(r, r.afterRelease.p999())),
            new Column("rss_before_bytes", "process RSS with the fresh store open, bytes", r -> r.rssBefore),
            new Column("rss_peak_bytes", "highest process RSS sampled during the workload, bytes", r -> r.rssPeak),
            new Column("rss_after_bytes", "process RSS at the end of the workload, store still open, bytes", r -> r.rssAfter),
            new Column("resident_before_bytes", "the store's resident bytes (mincore) when fresh", r -> r.residentBefore),
            new Column("resident_after_bytes", "the store's resident bytes (mincore) at the end", r -> r.residentAfter),
            new Column("minor_faults", "minor page faults of the process during the workload", r -> r.minorFaults),
            new Column("major_faults", "major page faults of the process during the workload", r -> r.majorFaults),
            new Column("release_ns", "time inside release calls, ns", r -> r.releaseNanos),
            new Column("released_bytes", "bytes handed to the release policy", r -> r.releasedBytes),
            new Column("resizes", "table growths and shrinks started (store rows only)",
                    r -> r.resizes < 0 ? null : r.resizes),
            new Column("pollution_guarded_bytes", "non-zero bytes in reused memory with ZERO_ON_REUSE on (must be 0)",
                    r -> r.pollutionGuarded),
            new Column("pollution_guard_off_bytes", "non-zero bytes in reused memory with ZERO_ON_REUSE off (small store)",
                    r -> r.guardOff.bytes()),
            new Column("guard_off_outcome", "how else the hazard showed with the guard off: ok, ghosts, lost entries, corrupted",
                    r -> r.guardOff.outcome()),
            new Column("reclaim_rss_before_bytes", "FREE: process RSS before forcing reclaim (MADV_PAGEOUT)",
                    r -> r.reclaim == null ? null : r.reclaim.rssBefore()),
            new Column("reclaim_rss_after_bytes", "FREE: process RSS after forcing reclaim",
                    r -> r.reclaim == null ? null : r.reclaim.rssAfter()),
            new Column("reclaim_resident_before_bytes", "FREE: the store's resident bytes before forcing reclaim",
                    r -> r.reclaim == null ? null : r.reclaim.residentBefore()),
            new Column("reclaim_resident_after_bytes", "FREE: the store's resident bytes after forcing reclaim",
                    r -> r.reclaim == null ? null : r.reclaim.residentAfter()),
            new Column("reclaim_pollution_before_bytes", "FREE, guard off: non-zero bytes reused by a refill after clear(), without forcing reclaim",
                    r -> r.reclaim == null ? null : r.reclaim.before().bytes()),
            new Column("reclaim_before_outcome", "FREE, guard off: ok, or corrupted (the refill stopped at a CorruptedStoreException)",
                    r -> r.reclaim == null ? null : r.reclaim.before().outcome()),
            new Column("reclaim_pollution_after_bytes", "FREE, guard off: non-zero bytes reused by a refill after clear() and forced reclaim",
                    r -> r.reclaim == null ? null : r.reclaim.after().bytes()),
            new Column("reclaim_after_outcome", "FREE, guard off: ok, or corrupted",
                    r -> r.reclaim == null ? null : r.reclaim.after().outcome()));

    private static Object absentIfNone(CellResult r, long value) {
        return r.afterRelease.count() == 0 ? null : value;
    }
}

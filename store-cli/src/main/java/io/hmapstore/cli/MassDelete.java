package io.hmapstore.cli;

import io.hmapstore.Codecs;
import io.hmapstore.Concurrency;
import io.hmapstore.OffHeapMap;
import io.hmapstore.StoreStats;
import io.hmapstore.inspect.StoreProbe;
import io.hmapstore.memory.MappedRegion;
import io.hmapstore.memory.ProcessMemory;
import io.hmapstore.memory.ReleasePolicy;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The harness's mass-delete workload ({@code hmapstore harness --mass-delete}): fill a store with
 * {@code n} long → 40-character entries, delete a random 95 % of them, and measure, per release policy,
 * anonymous and file-backed, the process's RSS, the store's resident bytes and the file's allocated
 * blocks at the peak, after the deletes (the compaction that writes do on their own has run) and after
 * {@code compact()}. Its guard-off twin, compaction moving an entry without epochs under a paused reader,
 * is {@code hmapstore hazards --only moved-entry}.
 */
final class MassDelete {
    private static final double DELETED = 0.95;

    /** One policy's figures: bytes at the peak, after the deletes, after {@code compact()}. */
    record Row(String backing, ReleasePolicy policy, long entries, long[] rss, long[] resident, long[] fileBlocks,
            long movedBytes, double fragmentation, double seconds) {
    }

    private MassDelete() {
    }

    static List<Row> run(long n, Path fileDirectory, PrintWriter console) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (boolean file : new boolean[] {false, true}) {
            for (ReleasePolicy policy : ReleasePolicy.values()) {
                if (!policy.appliesTo(file)) {
                    continue;
                }
                Path path = file ? Files.createTempFile(fileDirectory, "hmapstore-mass-delete-", ".hmap") : null;
                try {
                    if (path != null) {
                        Files.delete(path);
                    }
                    Row row = runOne(n, policy, path);
                    rows.add(row);
                    console.printf(Locale.ROOT, "mass-delete %-5s %-10s resident %s → %s → %s  (%.1f s)%n",
                            row.backing(), policy, mib(row.resident()[0]), mib(row.resident()[1]), mib(row.resident()[2]),
                            row.seconds());
                    console.flush();
                } finally {
                    if (path != null) {
                        Files.deleteIfExists(path);
                    }
                }
            }
        }
        return rows;
    }

    private static Row runOne(long n, ReleasePolicy policy, Path file) {
        OffHeapMap.Builder<Long, String> b = OffHeapMap.of(Codecs.longs(), Codecs.utf8()).releasePolicy(policy)
                .concurrency(Concurrency.CONCURRENT);
        if (file != null) {
            b = b.persistTo(file);
        }
        long start = System.nanoTime();
        try (OffHeapMap<Long, String> store = b.open()) {
            MappedRegion region = StoreProbe.of(store).region();
            for (long k = 0; k < n; k++) {
                store.put(k, value(k));
            }
            long[] rss = new long[3];
            long[] resident = new long[3];
            long[] blocks = new long[3];
            measure(store, region, rss, resident, blocks, 0);
            // A random 95 %: a Fisher-Yates prefix of the key order, so the survivors are scattered.
            long[] order = new long[(int) n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            SplittableRandom random = new SplittableRandom(18);
            long deletes = (long) (n * DELETED);
            for (int i = 0; i < deletes; i++) {
                int j = i + random.nextInt((int) n - i);
                long t = order[i];
                order[i] = order[j];
                order[j] = t;
                store.remove(order[i]);
            }
            measure(store, region, rss, resident, blocks, 1);
            store.compact();
            measure(store, region, rss, resident, blocks, 2);
            for (int i = (int) deletes; i < n; i++) {
                if (!value(order[i]).equals(store.get(order[i]))) {
                    throw new IllegalStateException("mass-delete under " + policy + ": key " + order[i]
                            + " lost its value after compact()");
                }
            }
            if (!store.verify().isClean()) {
                throw new IllegalStateException("mass-delete under " + policy + ": " + store.verify());
            }
            StoreStats stats = store.stats();
            return new Row(file == null ? "anon" : "file", policy, n, rss, resident, blocks, stats.compactedBytes(),
                    stats.fragmentation(), (System.nanoTime() - start) / 1e9);
        }
    }

    private static void measure(OffHeapMap<Long, String> store, MappedRegion region, long[] rss, long[] resident,
            long[] blocks, int at) {
        rss[at] = ProcessMemory.snapshot().rssBytes();
        resident[at] = store.stats().residentBytes();
        blocks[at] = region.allocatedFileBytes();
    }

    static String value(long k) {
        return String.format(Locale.ROOT, "%010d", k) + "-".repeat(30);
    }

    /** Prints the rows as a table, and as Markdown to {@code markdown} if not null. */
    static void print(List<Row> rows, PrintWriter console, Path markdown) throws IOException {
        String[] headers = {"backing", "policy", "RSS peak→deleted→compacted", "resident peak→deleted→compacted",
            "compacted/peak", "file blocks peak→deleted→compacted", "moved"};
        TextTable table = new TextTable(headers, new boolean[] {false, false, true, true, true, true, true});
        StringBuilder md = new StringBuilder("| " + String.join(" | ", headers) + " |\n|"
                + "---|".repeat(headers.length) + "\n");
        for (Row r : rows) {
            String[] cells = {r.backing(), r.policy().name(), three(r.rss()), three(r.resident()),
                String.format(Locale.ROOT, "%.1f %%", 100.0 * r.resident()[2] / Math.max(1, r.resident()[0])),
                r.backing().equals("file") ? three(r.fileBlocks()) : "-", mib(r.movedBytes())};
            table.add(cells);
            md.append("| ").append(String.join(" | ", cells)).append(" |\n");
        }
        table.print(console);
        if (markdown != null) {
            Files.writeString(markdown, md.toString());
        }
    }

    private static String three(long[] v) {
        return mib(v[0]) + " → " + mib(v[1]) + " → " + mib(v[2]);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1 << 20));
    }
}

package io.hmapstore.bench;

import io.hmapstore.bench.subjects.ValueKind;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Memory per entry of every subject, against the payload it holds (16 bytes for {@code long→long}, 108 for
 * {@code long→100 bytes}): each subject is loaded with {@code N} entries in a fresh JVM ({@link Footprint})
 * and the growth of the process's RSS, of the live heap after a full GC, and of the subject's off-heap bytes
 * (hmapstore's resident mapped bytes, Chronicle Map's {@code offHeapMemoryUsed}, LMDB's pages) is divided by N.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.hmapstore.bench.MemoryPerEntry                      (1M entries, ~2 min)
 * java -cp benchmarks/target/benchmarks.jar io.hmapstore.bench.MemoryPerEntry --entries 10000000 --csv mem.csv
 *   options: --entries N  --heap 6g  --subjects Hmap,ConcurrentHashMap  --values LONG,BYTES100  --csv FILE
 * </pre>
 * Run it with JDK 25's {@code java}; each child gets {@link PeerJvm#FLAGS} and {@code -Xms/-Xmx} of
 * {@code --heap}. RSS is approximate to a few hundred KiB per CPU (Linux's per-CPU counters), negligible
 * against N entries. For the off-heap stores the heap column is noise around 0; for
 * {@code ConcurrentHashMap} the off-heap column is 0 and the RSS column includes heap pages G1 touched
 * while loading, which may exceed the live heap.
 */
public final class MemoryPerEntry {

    private MemoryPerEntry() {
    }

    /**
     * @param args see the class comment
     * @throws Exception if a child fails
     */
    public static void main(String[] args) throws Exception {
        Footprint.Options o = Footprint.Options.parse(args, 1_000_000,
                "usage: MemoryPerEntry [--entries N] [--heap 6g] [--subjects A,B] [--values LONG,BYTES100] [--csv FILE]");
        List<Map<String, String>> results = Footprint.runAll(o, System.err);
        System.out.printf(Locale.ROOT, "%nMemory per entry, %,d entries (bytes/entry; payload = key + value)%n", o.entries);
        System.out.printf(Locale.ROOT, "%-22s %-9s %8s %10s %10s %10s %12s %12s%n", "subject", "values", "payload",
                "rss/entry", "heap/entry", "offheap/e", "rss/payload", "offheap/pay");
        for (Map<String, String> r : results) {
            int payload = ValueKind.valueOf(r.get("values")).payloadBytes();
            double rss = Double.parseDouble(r.get("rssBytes")) / o.entries;
            double heap = Double.parseDouble(r.get("heapBytes")) / o.entries;
            double off = Double.parseDouble(r.get("offHeapBytes")) / o.entries;
            System.out.printf(Locale.ROOT, "%-22s %-9s %8d %10.1f %10.1f %10.1f %12.2f %12.2f%n", r.get("subject"),
                    r.get("values"), payload, rss, heap, off, rss / payload, off / payload);
        }
        if (o.csv != null) {
            Footprint.writeCsv(o.csv, results);
        }
    }
}

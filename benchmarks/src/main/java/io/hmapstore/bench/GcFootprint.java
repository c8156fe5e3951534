package io.hmapstore.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The low-GC claim, measured: each subject loads {@code N} entries (10M by default) in a fresh JVM with the
 * same heap, then serves N operations (90 % get, 10 % put-update, uniform keys), and the garbage
 * collector's work in each phase is read from the JVM's GC notifications and
 * {@code GarbageCollectorMXBean}s ({@link Footprint}): stop-the-world pauses (count, total, longest) and
 * concurrent GC time. {@code ConcurrentHashMap} holding the same data is the baseline.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.hmapstore.bench.GcFootprint                          (10M entries, ~10-15 min)
 * java -cp benchmarks/target/benchmarks.jar io.hmapstore.bench.GcFootprint --entries 1000000 --heap 2g --csv gc.csv
 *   options: --entries N  --heap 6g  --subjects Hmap,ConcurrentHashMap  --values LONG,BYTES100  --csv FILE
 * </pre>
 * Run it with JDK 25's {@code java}; the default collector (G1) and {@code -Xms=-Xmx=--heap} for every child.
 */
public final class GcFootprint {

    private GcFootprint() {
    }

    /**
     * @param args see the class comment
     * @throws Exception if a child fails
     */
    public static void main(String[] args) throws Exception {
        Footprint.Options o = Footprint.Options.parse(args, 10_000_000,
                "usage: GcFootprint [--entries N] [--heap 6g] [--subjects A,B] [--values LONG,BYTES100] [--csv FILE]");
        List<Map<String, String>> results = Footprint.runAll(o, System.err);
        System.out.printf(Locale.ROOT, "%nGC work, %,d entries loaded then %,d operations (90/10), heap %s, G1%n",
                o.entries, o.entries, o.heap);
        System.out.printf(Locale.ROOT, "%-22s %-9s | %8s %7s %9s %9s %9s | %8s %7s %9s %9s %9s%n", "subject", "values",
                "load ms", "pauses", "pause ms", "max ms", "conc ms", "serve ms", "pauses", "pause ms", "max ms",
                "conc ms");
        for (Map<String, String> r : results) {
            System.out.printf(Locale.ROOT, "%-22s %-9s | %8s %7s %9s %9s %9s | %8s %7s %9s %9s %9s%n",
                    r.get("subject"), r.get("values"), r.get("loadMs"), r.get("load.pauses"), r.get("load.pauseMs"),
                    r.get("load.maxPauseMs"), r.get("load.concurrentMs"), r.get("serveMs"), r.get("serve.pauses"),
                    r.get("serve.pauseMs"), r.get("serve.maxPauseMs"), r.get("serve.concurrentMs"));
        }
        if (o.csv != null) {
            Footprint.writeCsv(o.csv, results);
        }
    }
}

package io.hmapstore.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.hmapstore.bench.subjects.Handle;
import io.hmapstore.bench.subjects.Store;
import io.hmapstore.bench.subjects.Subject;
import io.hmapstore.bench.subjects.ValueKind;
import io.hmapstore.memory.ProcessMemory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * Loads {@code N} entries into one subject in a fresh JVM and measures what holding them costs: memory per
 * entry (RSS and live heap grown, the subject's off-heap bytes) and the garbage collector's work (count,
 * total pause time, longest pause, concurrent time) while loading and then while serving {@code N}
 * operations (90 % get, 10 % put-update, uniform keys). {@link MemoryPerEntry} and {@link GcFootprint} run
 * it once per subject and value kind, each in a JVM of its own with the same heap and {@link PeerJvm#FLAGS},
 * and print the table.
 *
 * <p>Pauses come from the JVM's GC notifications: every collection of a collector whose name does not say
 * "Concurrent" stops the world for its duration (G1's young and mixed/full collections); "G1 Concurrent
 * GC" time runs beside the application and is reported apart.
 */
final class Footprint {

    /** What one child JVM prints, on one line after this tag. */
    static final String TAG = "FOOTPRINT";

    private Footprint() {
    }

    /** GC work seen since {@link #reset()}. */
    static final class GcWatch {
        final AtomicLong pauses = new AtomicLong();
        final AtomicLong pauseMillis = new AtomicLong();
        final AtomicLong maxPauseMillis = new AtomicLong();
        final AtomicLong concurrentMillis = new AtomicLong();

        GcWatch() {
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                ((NotificationEmitter) gc).addNotificationListener((n, h) -> {
                    if (!n.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                        return;
                    }
                    var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                    long ms = info.getGcInfo().getDuration();
                    if (info.getGcName().contains("Concurrent")) {
                        concurrentMillis.addAndGet(ms);
                    } else {
                        pauses.incrementAndGet();
                        pauseMillis.addAndGet(ms);
                        maxPauseMillis.accumulateAndGet(ms, Math::max);
                    }
                }, null, null);
            }
        }

        void reset() {
            pauses.set(0);
            pauseMillis.set(0);
            maxPauseMillis.set(0);
            concurrentMillis.set(0);
        }

        void report(Map<String, Object> out, String phase) {
            // Notifications arrive on a JMX thread shortly after each collection.
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.put(phase + ".pauses", pauses.get());
            out.put(phase + ".pauseMs", pauseMillis.get());
            out.put(phase + ".maxPauseMs", maxPauseMillis.get());
            out.put(phase + ".concurrentMs", concurrentMillis.get());
        }
    }

    /**
     * The child: {@code subject values entries}. Prints {@link #TAG} and {@code key=value} pairs.
     *
     * @param args subject, value kind, entries
     */
    public static void main(String[] args) {
        Subject subject = Subject.valueOf(args[0]);
        ValueKind kind = ValueKind.valueOf(args[1]);
        int n = Integer.parseInt(args[2]);
        Map<String, Object> out = new LinkedHashMap<>();
        GcWatch gc = new GcWatch();
        // Load and serve a small store first, so the classes the subject loads (Chronicle Map generates and
        // compiles some) and most of the JIT's code are in place before the baseline is read.
        run(subject, kind, 10_000, new LinkedHashMap<>(), gc).close();
        settle();
        ProcessMemory.Snapshot rss0 = ProcessMemory.snapshot();
        long heap0 = heapUsed();
        gc.reset();
        Store store = run(subject, kind, n, out, gc);

        settle();
        ProcessMemory.Snapshot rss1 = ProcessMemory.snapshot();
        out.put("rssBytes", rss1.rssBytes() - rss0.rssBytes());
        out.put("heapBytes", heapUsed() - heap0);
        out.put("offHeapBytes", store.offHeapBytes());
        long total = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, b.getCollectionTime());
        }
        out.put("wholeJvmGcMs", total); // every collector, explicit System.gc() included
        store.close();
        StringBuilder sb = new StringBuilder(TAG);
        out.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
        System.out.println(sb);
    }

    /** Loads {@code n} entries, serves {@code n} operations, and returns the store, still open. */
    private static Store run(Subject subject, ValueKind kind, int n, Map<String, Object> out, GcWatch gc) {
        long t0 = System.nanoTime();
        Store store = subject.open(kind, n, n);
        boolean boxes = subject.boxedKeys();
        try (Handle h = store.loader()) {
            for (int i = 0; i < n; i++) {
                long k = KeyStreams.key(i);
                h.put(k, boxes ? Long.valueOf(k) : null, i);
            }
        }
        out.put("loadMs", (System.nanoTime() - t0) / 1_000_000);
        gc.report(out, "load");

        gc.reset();
        long t1 = System.nanoTime();
        long found = 0;
        SplittableRandom random = new SplittableRandom(42);
        try (Handle h = store.handle()) {
            for (int i = 0; i < n; i++) {
                long k = KeyStreams.key(random.nextInt(n));
                Long bk = boxes ? Long.valueOf(k) : null;
                if (random.nextInt(100) < 10) {
                    h.put(k, bk, i);
                } else if (h.get(k, bk) != Handle.ABSENT) {
                    found++;
                }
            }
        }
        out.put("serveMs", (System.nanoTime() - t1) / 1_000_000);
        gc.report(out, "serve");
        if (found == 0) {
            throw new IllegalStateException("no key found: the subject lost its entries");
        }
        return store;
    }

    /** Two full collections, so the live heap is what is measured. */
    private static void settle() {
        for (int i = 0; i < 2; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    // ------------------------------------------------------------------ the parent

    /** Options shared by {@link MemoryPerEntry} and {@link GcFootprint}. */
    static final class Options {
        int entries;
        String heap = "6g";
        List<Subject> subjects = List.of(Subject.values());
        List<ValueKind> values = List.of(ValueKind.values());
        Path csv;

        Options(int entries) {
            this.entries = entries;
        }

        static Options parse(String[] args, int defaultEntries, String usage) {
            Options o = new Options(defaultEntries);
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--entries" -> o.entries = Integer.parseInt(args[++i].replace("_", ""));
                    case "--heap" -> o.heap = args[++i];
                    case "--subjects" -> o.subjects = Arrays.stream(args[++i].split(",")).map(Subject::valueOf).toList();
                    case "--values" -> o.values = Arrays.stream(args[++i].split(",")).map(ValueKind::valueOf).toList();
                    case "--csv" -> o.csv = Path.of(args[++i]);
                    default -> {
                        System.err.println(usage);
                        System.exit(64);
                    }
                }
            }
            return o;
        }
    }

    /**
     * Runs the child once per subject and value kind, each in a fresh JVM.
     *
     * @return per run, the child's figures (with {@code subject} and {@code values} added)
     */
    static List<Map<String, String>> runAll(Options o, PrintStream progress) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<Map<String, String>> results = new ArrayList<>();
        for (ValueKind kind : o.values) {
            for (Subject s : o.subjects) {
                if (s == Subject.LmdbTxnPerOp) {
                    continue; // the same data as LmdbTxnPerBatch: transactions change no footprint
                }
                List<String> cmd = new ArrayList<>(List.of(java, "-Xms" + o.heap, "-Xmx" + o.heap));
                cmd.addAll(PeerJvm.FLAGS);
                cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Footprint.class.getName(),
                        s.name(), kind.name(), Integer.toString(o.entries)));
                progress.printf(Locale.ROOT, "... %s %s %,d entries%n", s, kind, o.entries);
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                Map<String, String> r = new LinkedHashMap<>();
                r.put("subject", s.name());
                r.put("values", kind.name());
                StringBuilder log = new StringBuilder();
                try (BufferedReader in = new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null;) {
                        if (line.startsWith(TAG + " ")) {
                            for (String kv : line.substring(TAG.length() + 1).split(" ")) {
                                int eq = kv.indexOf('=');
                                r.put(kv.substring(0, eq), kv.substring(eq + 1));
                            }
                        } else {
                            log.append(line).append('\n');
                        }
                    }
                }
                int rc = p.waitFor();
                if (rc != 0 || !r.containsKey("rssBytes")) {
                    throw new IllegalStateException(s + " " + kind + " failed (exit " + rc + "):\n" + log);
                }
                results.add(r);
            }
        }
        return results;
    }

    static void writeCsv(Path csv, List<Map<String, String>> results) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add(String.join(",", results.getFirst().keySet()));
        for (Map<String, String> r : results) {
            lines.add(String.join(",", r.values()));
        }
        Files.write(csv, lines);
    }
}

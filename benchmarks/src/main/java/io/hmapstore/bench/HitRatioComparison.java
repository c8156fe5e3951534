package io.hmapstore.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.hmapstore.CacheStats;
import io.hmapstore.Codecs;
import io.hmapstore.Concurrency;
import io.hmapstore.OffHeapMap;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

/**
 * Replays the same key streams through hmapstore's bounded store (S3-FIFO), Caffeine (W-TinyLFU), a plain
 * LRU and CLOCK, each holding the same number of entries, and prints the hit ratios as a Markdown table.
 *
 * <pre>
 * mvn -q -pl benchmarks -am package -DskipTests
 * java --enable-native-access=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar \
 *     io.hmapstore.bench.HitRatioComparison [--quick] [--out hit-ratio.md] [--requests N] [--capacities 1000,10000]
 * </pre>
 *
 * <p>Every policy sees the requests of a stream in the same order and does what a cache-aside service does:
 * look the key up, and on a miss store it. The streams, for each capacity {@code c} over {@code 100c} keys:
 * <ul>
 *   <li>{@code zipf 0.7 / 0.9 / 0.99}: keys drawn from a Zipf distribution of that skew;</li>
 *   <li>{@code zipf 0.9 + scans}: 80% of the requests from zipf 0.9 and 20% in bursts of {@code 2c}
 *       consecutive keys never seen before or after (a report or a crawler passing through): a policy that
 *       lets one scan flush the cache loses the hot keys every burst;</li>
 *   <li>{@code loop 1.5c}: {@code 1.5c} keys requested round and round. LRU and CLOCK evict each key just
 *       before it comes back and hit nothing; the best any policy can do is keep a fixed {@code c} of them,
 *       {@code 1/1.5 = 67%}.</li>
 * </ul>
 *
 * <p>Implementation notes. Zipf keys come from the rejection-free generator of Gray et al. [1] (as in YCSB),
 * for a skew below 1, and a rank is scrambled into a key by a bijective 64-bit mix so popular keys are not
 * neighbours; scan keys are the ranks past the zipf range, scrambled the same way, so they never collide with
 * zipf keys. A stream is generated once, into an array, and replayed for each policy. Caffeine runs its
 * maintenance on the calling thread ({@code executor(Runnable::run)}) and is cleaned up after every miss, so
 * its bound holds at every request as the others' do. hmapstore is the real store, through its
 * allocation-free {@code getLong}/{@code putLong}; its own {@link CacheStats} must agree with the replay's count.
 *
 * <p>[1] Jim Gray, Prakash Sundaresan, Susanne Englert, Ken Baclawski, Peter J. Weinberger. "Quickly
 * Generating Billion-Record Synthetic Databases". SIGMOD 1994.
 */
public final class HitRatioComparison {

    private HitRatioComparison() {
    }

    /** A cache under test: looks a key up and, on a miss, stores it. */
    interface Policy extends AutoCloseable {
        /**
         * @param key the key
         * @return whether it was cached
         */
        boolean access(long key);

        /** @return entries held now */
        long size();

        /** @return the hit ratio the cache counted itself, or NaN if it counts none */
        default double reportedHitRatio() {
            return Double.NaN;
        }

        @Override
        default void close() {
        }
    }

    /** The policies compared, in the table's column order. */
    static final Map<String, IntFunction<Policy>> POLICIES = policies();

    private static Map<String, IntFunction<Policy>> policies() {
        Map<String, IntFunction<Policy>> p = new LinkedHashMap<>();
        p.put("hmapstore (S3-FIFO)", HitRatioComparison::hmapstore);
        p.put("Caffeine (W-TinyLFU)", HitRatioComparison::caffeine);
        p.put("LRU", HitRatioComparison::lru);
        p.put("CLOCK", HitRatioComparison::clock);
        return p;
    }

    /** A key stream: its name and its requests. */
    record Stream(String name, int capacity, long[] keys) {
    }

    /** One cell of the table. */
    record Result(String stream, int capacity, String policy, long hits, long requests, long maxSize,
            double reportedHitRatio) {
        double hitRatio() {
            return (double) hits / requests;
        }
    }

    /** What a run replays. */
    record Config(int[] capacities, int keysPerCapacity, int requests, long seed) {
        static final Config DEFAULT = new Config(new int[] {1_000, 10_000}, 100, 2_000_000, 42);
        static final Config QUICK = new Config(new int[] {500}, 100, 150_000, 42);
    }

    // ------------------------------------------------------------------ policies

    static Policy hmapstore(int capacity) {
        OffHeapMap<Long, Long> map = OffHeapMap.of(Codecs.longs(), Codecs.longs())
                .maxEntries(capacity)
                .concurrency(Concurrency.SINGLE_WRITER)   // one replaying thread; no locks in the figures' way
                .seed(7)
                .open();
        return new Policy() {
            @Override
            public boolean access(long key) {
                if (map.getLong(key, 0) != 0) {
                    return true;
                }
                map.putLong(key, 1);
                return false;
            }

            @Override
            public long size() {
                return map.size();
            }

            @Override
            public double reportedHitRatio() {
                return map.cacheStats().hitRatio();
            }

            @Override
            public void close() {
                map.close();
            }
        };
    }

    static Policy caffeine(int capacity) {
        Cache<Long, Boolean> cache = Caffeine.newBuilder()
                .maximumSize(capacity)
                .executor(Runnable::run)
                .build();
        return new Policy() {
            @Override
            public boolean access(long key) {
                if (cache.getIfPresent(key) != null) {
                    return true;
                }
                cache.put(key, Boolean.TRUE);
                cache.cleanUp();
                return false;
            }

            @Override
            public long size() {
                cache.cleanUp();
                return cache.estimatedSize();
            }
        };
    }

    static Policy lru(int capacity) {
        LinkedHashMap<Long, Boolean> map = new LinkedHashMap<>(capacity * 2, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
                return size() > capacity;
            }
        };
        return new Policy() {
            @Override
            public boolean access(long key) {
                if (map.get(key) != null) {
                    return true;
                }
                map.put(key, Boolean.TRUE);
                return false;
            }

            @Override
            public long size() {
                return map.size();
            }
        };
    }

    static Policy clock(int capacity) {
        ClockCache cache = new ClockCache(capacity);
        return new Policy() {
            @Override
            public boolean access(long key) {
                return cache.access(key);
            }

            @Override
            public long size() {
                return cache.size();
            }
        };
    }

    // ------------------------------------------------------------------ streams

    /** The streams for one capacity, in the table's row order. */
    static List<Stream> streams(int capacity, int keys, int requests, long seed) {
        List<Stream> s = new ArrayList<>();
        for (double theta : new double[] {0.7, 0.9, 0.99}) {
            Zipf zipf = new Zipf(keys, theta, seed);
            long[] k = new long[requests];
            for (int i = 0; i < requests; i++) {
                k[i] = mix(zipf.next());
            }
            s.add(new Stream("zipf " + theta, capacity, k));
        }
        s.add(new Stream("zipf 0.9 + scans", capacity, scanMix(capacity, keys, requests, seed)));
        long[] loop = new long[requests];
        int period = capacity * 3 / 2;
        for (int i = 0; i < requests; i++) {
            loop[i] = mix(i % period);
        }
        s.add(new Stream("loop 1.5c", capacity, loop));
        return s;
    }

    /** Zipf 0.9 with a burst of {@code 2c} never-repeated keys after every {@code 8c} zipf requests. */
    private static long[] scanMix(int capacity, int keys, int requests, long seed) {
        Zipf zipf = new Zipf(keys, 0.9, seed + 1);
        long[] k = new long[requests];
        int zipfRun = 8 * capacity;
        int scanRun = 2 * capacity;
        long nextScanRank = keys;   // ranks past the zipf range: never a zipf key, never repeated
        int i = 0;
        while (i < requests) {
            for (int j = 0; j < zipfRun && i < requests; j++) {
                k[i++] = mix(zipf.next());
            }
            for (int j = 0; j < scanRun && i < requests; j++) {
                k[i++] = mix(nextScanRank++);
            }
        }
        return k;
    }

    /**
     * A bijective scramble of a rank into a key (the splitmix64 finalizer), never 0 so that 0 can mean
     * absent in {@code getLong}: the finalizer maps 0 to 0, so ranks start at 1.
     */
    static long mix(long rank) {
        long z = rank + 1;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Zipf-distributed ranks in {@code [0, n)}, rank 0 the most popular; skew {@code theta} in (0, 1). */
    static final class Zipf {
        private final long n;
        private final double theta;
        private final double zetan;
        private final double alpha;
        private final double eta;
        private final double half;
        private final SplittableRandom random;

        Zipf(long n, double theta, long seed) {
            if (!(theta > 0 && theta < 1)) {
                throw new IllegalArgumentException("theta must be in (0, 1), was " + theta);
            }
            this.n = n;
            this.theta = theta;
            this.zetan = zeta(n, theta);
            this.alpha = 1 / (1 - theta);
            this.eta = (1 - Math.pow(2.0 / n, 1 - theta)) / (1 - zeta(2, theta) / zetan);
            this.half = 1 + Math.pow(0.5, theta);
            this.random = new SplittableRandom(seed);
        }

        private static double zeta(long n, double theta) {
            double sum = 0;
            for (long i = 1; i <= n; i++) {
                sum += 1 / Math.pow(i, theta);
            }
            return sum;
        }

        long next() {
            double u = random.nextDouble();
            double uz = u * zetan;
            if (uz < 1) {
                return 0;
            }
            if (uz < half) {
                return 1;
            }
            return Math.min(n - 1, (long) (n * Math.pow(eta * u - eta + 1, alpha)));
        }

        @Override
        public String toString() {
            return "Zipf[n=" + n + ", theta=" + theta + "]";
        }
    }

    // ------------------------------------------------------------------ running

    /** Replays {@code stream} through a new policy of its capacity. */
    static Result replay(Stream stream, String policyName, IntFunction<Policy> factory) {
        long hits = 0;
        long maxSize = 0;
        double reported;
        try (Policy policy = factory.apply(stream.capacity())) {
            long[] keys = stream.keys();
            int checkEvery = Math.max(1, stream.capacity() / 4);
            for (int i = 0; i < keys.length; i++) {
                if (policy.access(keys[i])) {
                    hits++;
                }
                if (i % checkEvery == 0) {
                    maxSize = Math.max(maxSize, policy.size());
                }
            }
            maxSize = Math.max(maxSize, policy.size());
            reported = policy.reportedHitRatio();
        }
        return new Result(stream.name(), stream.capacity(), policyName, hits, stream.keys().length, maxSize,
                reported);
    }

    /** Runs every stream through every policy. */
    static List<Result> run(Config config, java.io.PrintStream progress) {
        List<Result> results = new ArrayList<>();
        for (int capacity : config.capacities()) {
            for (Stream stream : streams(capacity, capacity * config.keysPerCapacity(), config.requests(),
                    config.seed())) {
                for (Map.Entry<String, IntFunction<Policy>> p : POLICIES.entrySet()) {
                    long start = System.nanoTime();
                    Result r = replay(stream, p.getKey(), p.getValue());
                    results.add(r);
                    progress.printf(Locale.ROOT, "  %-18s c=%-6d %-22s %6.2f%%  (%d ms)%n", r.stream(), capacity,
                            r.policy(), 100 * r.hitRatio(), (System.nanoTime() - start) / 1_000_000);
                }
            }
        }
        return results;
    }

    /** The results as a Markdown table: one row per stream and capacity, one column per policy. */
    static String table(List<Result> results) {
        StringBuilder sb = new StringBuilder("| stream | capacity | keys |");
        StringBuilder rule = new StringBuilder("|---|---:|---:|");
        for (String policy : POLICIES.keySet()) {
            sb.append(' ').append(policy).append(" |");
            rule.append("---:|");
        }
        sb.append('\n').append(rule).append('\n');
        Map<String, List<Result>> rows = new LinkedHashMap<>();
        for (Result r : results) {
            rows.computeIfAbsent(r.stream() + "\u0000" + r.capacity(), k -> new ArrayList<>()).add(r);
        }
        for (List<Result> row : rows.values()) {
            Result first = row.get(0);
            double best = row.stream().mapToDouble(Result::hitRatio).max().orElse(0);
            sb.append("| ").append(first.stream()).append(" | ").append(String.format(Locale.ROOT, "%,d", first.capacity()))
                    .append(" | ").append(first.stream().startsWith("loop")
                            ? String.format(Locale.ROOT, "%,d", first.capacity() * 3 / 2)
                            : String.format(Locale.ROOT, "%,d", first.capacity() * 100L)).append(" |");
            for (Result r : row) {
                String cell = String.format(Locale.ROOT, "%.2f%%", 100 * r.hitRatio());
                // the best of a row in bold, ties included, so the winner is seen at a glance
                sb.append(' ').append(r.hitRatio() >= best - 5e-5 ? "**" + cell + "**" : cell).append(" |");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** @return the machine and JDK the figures came from, for the table's caption */
    static String machine() {
        String cpu = "unknown CPU";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or not readable: the caption says so
        }
        return cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores, JDK "
                + Runtime.version() + ", " + System.getProperty("os.name") + " " + System.getProperty("os.version");
    }

    /**
     * @param args {@code --quick} (one small capacity, for tests), {@code --out FILE} (default
     *     {@code hit-ratio.md}), {@code --requests N} per stream, {@code --capacities A,B,...}
     * @throws IOException if the table cannot be written
     */
    public static void main(String[] args) throws IOException {
        Config config = Config.DEFAULT;
        Path out = Path.of("hit-ratio.md");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> config = Config.QUICK;
                case "--out" -> out = Path.of(value(args, ++i, "--out"));
                case "--requests" -> config = new Config(config.capacities(), config.keysPerCapacity(),
                        Integer.parseInt(value(args, ++i, "--requests")), config.seed());
                case "--capacities" -> {
                    String[] parts = value(args, ++i, "--capacities").split(",");
                    int[] caps = new int[parts.length];
                    for (int j = 0; j < parts.length; j++) {
                        caps[j] = Integer.parseInt(parts[j].trim());
                    }
                    config = new Config(caps, config.keysPerCapacity(), config.requests(), config.seed());
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; expected --quick, --out FILE, --requests N, --capacities A,B");
            }
        }
        long start = System.nanoTime();
        System.out.printf(Locale.ROOT, "Hit ratio: %,d requests per stream, capacities %s, keys = 100 x capacity%n",
                config.requests(), java.util.Arrays.toString(config.capacities()));
        List<Result> results = run(config, System.out);
        String table = table(results);
        String caption = String.format(Locale.ROOT,
                "Hit ratio, %,d requests per stream (look up; on a miss, store). %s. %d s.%n%n",
                config.requests(), machine(), (System.nanoTime() - start) / 1_000_000_000L);
        System.out.println();
        System.out.print(caption);
        System.out.print(table);
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(out, caption + table, StandardCharsets.UTF_8);
        System.out.println("written to " + out);
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }
}

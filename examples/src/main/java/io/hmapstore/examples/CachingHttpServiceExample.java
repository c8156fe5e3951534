package io.hmapstore.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.hmapstore.CacheStats;
import io.hmapstore.Codecs;
import io.hmapstore.OffHeapMap;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * A small HTTP service that caches an expensive lookup in hmapstore, and a bounded load run that compares it
 * with the same service caching in a {@link ConcurrentHashMap}.
 *
 * <pre>mvn -q -pl store-native,store-core install -DskipTests
 * mvn -q -pl examples compile exec:exec -Dexample=CachingHttpServiceExample</pre>
 *
 * <p>The service answers {@code GET /item/{id}} with a 1 KiB value that takes a chain of SHA-256 rounds to
 * compute (the "expensive lookup": a database query or a remote call in a real service). Values are cached:
 * in an {@link OffHeapMap} bounded by {@code maxEntries} and {@code expireAfterWrite}, whose entries live off
 * the Java heap, or in a {@code ConcurrentHashMap} bounded to the same number of entries by evicting an
 * arbitrary one (what a hand-rolled heap cache often does). The load run sends a fixed number of requests
 * from a few client threads over loopback ({@code 127.0.0.1}, an ephemeral port), with zipf-distributed ids,
 * then prints, for each cache: hit ratio, p50/p99 latency as the client saw it, and the GC collections and
 * time of the run (server and clients share this JVM, so both allocate). The run stops by itself.
 *
 * <p>Arguments: {@code --requests N} (default 20,000), {@code --threads T} (4), {@code --keys K} (50,000),
 * {@code --bound B} entries (5,000).
 */
public final class CachingHttpServiceExample {

    /** Bytes of each cached value. */
    static final int VALUE_BYTES = 1024;

    private CachingHttpServiceExample() {
    }

    /** The cache the service reads through. */
    interface ValueCache extends AutoCloseable {
        /** @return the cached value, or null */
        byte[] get(long id);

        void put(long id, byte[] value);

        /** @return entries held */
        long size();

        @Override
        void close();
    }

    /** hmapstore: bounded, expiring, off the Java heap. */
    static ValueCache offHeap(int bound) {
        OffHeapMap<Long, byte[]> map = OffHeapMap.of(Codecs.longs(), Codecs.bytes())
                .maxEntries(bound)                          // past it, S3-FIFO evicts
                .expireAfterWrite(Duration.ofMinutes(10))   // stale values go even if they stay popular
                .open();
        return new ValueCache() {
            @Override
            public byte[] get(long id) {
                return map.get(id);
            }

            @Override
            public void put(long id, byte[] value) {
                map.put(id, value);
            }

            @Override
            public long size() {
                CacheStats s = map.cacheStats();
                return s.entries();
            }

            @Override
            public void close() {
                map.close();
            }

            @Override
            public String toString() {
                return "hmapstore OffHeapMap (maxEntries " + bound + ", expireAfterWrite 10m)";
            }
        };
    }

    /** A ConcurrentHashMap held to {@code bound} entries by removing an arbitrary one per insert past it. */
    static ValueCache heap(int bound) {
        ConcurrentHashMap<Long, byte[]> map = new ConcurrentHashMap<>();
        return new ValueCache() {
            @Override
            public byte[] get(long id) {
                return map.get(id);
            }

            @Override
            public void put(long id, byte[] value) {
                map.put(id, value);
                // no order to evict by: take whatever the iterator returns first
                Iterator<Long> it = map.keySet().iterator();
                while (map.size() > bound && it.hasNext()) {
                    map.remove(it.next());
                }
            }

            @Override
            public long size() {
                return map.size();
            }

            @Override
            public void close() {
                map.clear();
            }

            @Override
            public String toString() {
                return "ConcurrentHashMap (bounded at " + bound + " by evicting an arbitrary entry)";
            }
        };
    }

    /** The expensive lookup: 1 KiB from a chain of SHA-256 rounds seeded by the id. */
    static byte[] expensiveLookup(long id) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        byte[] value = new byte[VALUE_BYTES];
        byte[] digest = new byte[32];
        for (int i = 0; i < 8; i++) {
            digest[i] = (byte) (id >>> (8 * i));
        }
        for (int round = 0; round < 512; round++) {
            digest = sha.digest(digest);
            System.arraycopy(digest, 0, value, (round * 32) % VALUE_BYTES, 32);
        }
        return value;
    }

    /** The service: an HttpServer on loopback whose handler reads through {@code cache}. */
    static final class Service implements AutoCloseable {
        final ValueCache cache;
        final LongAdder hits = new LongAdder();
        final LongAdder misses = new LongAdder();
        private final HttpServer server;
        private final ExecutorService workers;

        Service(ValueCache cache, int workerThreads) throws IOException {
            this.cache = cache;
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
            workers = Executors.newFixedThreadPool(workerThreads);
            server.setExecutor(workers);
            server.createContext("/item/", this::handle);
            server.start();
        }

        URI base() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/item/");
        }

        private void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                long id;
                try {
                    id = Long.parseLong(exchange.getRequestURI().getPath().substring("/item/".length()));
                } catch (NumberFormatException e) {
                    exchange.sendResponseHeaders(400, -1);
                    return;
                }
                byte[] value = cache.get(id);
                if (value != null) {
                    hits.increment();
                } else {
                    misses.increment();
                    value = expensiveLookup(id);
                    cache.put(id, value);
                }
                exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
                exchange.sendResponseHeaders(200, value.length);
                try (OutputStream body = exchange.getResponseBody()) {
                    body.write(value);
                }
            }
        }

        @Override
        public void close() {
            server.stop(0);
            workers.shutdownNow();
            cache.close();
        }
    }

    /** Zipf(0.99) ids in {@code [0, keys)} by inverse CDF: a table of cumulative weights and a binary search. */
    static final class ZipfIds {
        private final double[] cumulative;

        ZipfIds(int keys, double theta) {
            cumulative = new double[keys];
            double sum = 0;
            for (int i = 0; i < keys; i++) {
                sum += 1 / Math.pow(i + 1, theta);
                cumulative[i] = sum;
            }
            for (int i = 0; i < keys; i++) {
                cumulative[i] /= sum;
            }
        }

        long next(SplittableRandom random) {
            int i = Arrays.binarySearch(cumulative, random.nextDouble());
            int rank = i >= 0 ? i : Math.min(-i - 1, cumulative.length - 1);
            // scatter popular ids so they are not neighbours
            return (rank * 0x9E3779B97F4A7C15L) >>> 1;
        }
    }

    /** What one load run measured. */
    record Outcome(String cache, long requests, double hitRatio, double p50Millis, double p99Millis,
            long gcCollections, long gcMillis, long entries) {
    }

    /** What the measured rounds of one service add up to. */
    static final class Tally {
        final Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        long hits;
        long misses;
        long gcCollections;
        long gcMillis;

        Outcome outcome(Service service) {
            return new Outcome(service.cache.toString(), latency.getTotalCount(),
                    (double) hits / Math.max(1, hits + misses), latency.getValueAtPercentile(50) / 1e6,
                    latency.getValueAtPercentile(99) / 1e6, gcCollections, gcMillis, service.cache.size());
        }
    }

    /**
     * Sends {@code requests} requests from {@code threads} clients and adds what the service answered to
     * {@code tally} (null: a warm-up, counted nowhere).
     */
    static void load(Service service, int requests, int threads, ZipfIds ids, long seed, Tally tally)
            throws Exception {
        Histogram all = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        long[] gcBefore = gc();
        long hitsBefore = service.hits.sum();
        long missesBefore = service.misses.sum();
        ExecutorService clients = Executors.newFixedThreadPool(threads);
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build()) {
            List<Future<Histogram>> parts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int share = requests / threads + (t < requests % threads ? 1 : 0);
                SplittableRandom random = new SplittableRandom(seed + t);
                parts.add(clients.submit(() -> {
                    Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
                    for (int i = 0; i < share; i++) {
                        HttpRequest request = HttpRequest.newBuilder(service.base().resolve(Long.toString(ids.next(random))))
                                .timeout(Duration.ofSeconds(10)).build();
                        long start = System.nanoTime();
                        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                        h.recordValue(Math.min(System.nanoTime() - start, h.getHighestTrackableValue()));
                        if (response.statusCode() != 200 || response.body().length != VALUE_BYTES) {
                            throw new IllegalStateException("bad answer: " + response.statusCode() + ", "
                                    + response.body().length + " bytes");
                        }
                    }
                    return h;
                }));
            }
            for (Future<Histogram> part : parts) {
                all.add(part.get(5, TimeUnit.MINUTES));
            }
        } finally {
            clients.shutdownNow();
        }
        long[] gcAfter = gc();
        if (tally != null) {
            tally.latency.add(all);
            tally.hits += service.hits.sum() - hitsBefore;
            tally.misses += service.misses.sum() - missesBefore;
            tally.gcCollections += gcAfter[0] - gcBefore[0];
            tally.gcMillis += gcAfter[1] - gcBefore[1];
        }
    }

    /** @return collections and milliseconds spent in them, summed over every collector */
    static long[] gc() {
        long count = 0;
        long millis = 0;
        for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, bean.getCollectionCount());
            millis += Math.max(0, bean.getCollectionTime());
        }
        return new long[] {count, millis};
    }

    /**
     * Starts a service per cache, warms every one up, then measures them in alternating rounds. On a shared
     * JVM whichever service runs later finds the HTTP stack more compiled and the machine in another mood;
     * warm-ups first and rounds taken in turn keep that from deciding the comparison.
     */
    static List<Outcome> run(List<ValueCache> caches, int requests, int threads, ZipfIds ids) throws Exception {
        List<Service> services = new ArrayList<>();
        try {
            for (ValueCache cache : caches) {
                services.add(new Service(cache, threads));
            }
            for (Service service : services) {
                load(service, Math.max(threads, requests / 5), threads, ids, 1, null);
            }
            List<Tally> tallies = new ArrayList<>();
            for (int i = 0; i < services.size(); i++) {
                tallies.add(new Tally());
            }
            int rounds = 4;
            for (int round = 0; round < rounds; round++) {
                int share = requests / rounds + (round < requests % rounds ? 1 : 0);
                for (int i = 0; i < services.size(); i++) {
                    // every service sees the same ids in the same round: seeds depend on the round only
                    load(services.get(i), share, threads, ids, 1_000 + 100L * round, tallies.get(i));
                }
            }
            List<Outcome> outcomes = new ArrayList<>();
            for (int i = 0; i < services.size(); i++) {
                outcomes.add(tallies.get(i).outcome(services.get(i)));
            }
            return outcomes;
        } finally {
            for (Service service : services) {
                service.close();
            }
        }
    }

    /**
     * @param args {@code --requests N}, {@code --threads T}, {@code --keys K}, {@code --bound B}
     * @throws Exception if the service or a client fails
     */
    public static void main(String[] args) throws Exception {
        int requests = 20_000;
        int threads = 4;
        int keys = 50_000;
        int bound = 5_000;
        for (int i = 0; i + 1 < args.length; i += 2) {
            int v = Integer.parseInt(args[i + 1]);
            switch (args[i]) {
                case "--requests" -> requests = v;
                case "--threads" -> threads = v;
                case "--keys" -> keys = v;
                case "--bound" -> bound = v;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        ZipfIds ids = new ZipfIds(keys, 0.99);
        System.out.printf(Locale.ROOT, "load run: %d requests, %d client threads, zipf 0.99 over %d ids, "
                + "%d-byte values, caches bounded at %d entries, loopback only%n", requests, threads, keys,
                VALUE_BYTES, bound);
        List<Outcome> outcomes = run(List.of(offHeap(bound), heap(bound)), requests, threads, ids);
        for (Outcome o : outcomes) {
            System.out.println("== " + o.cache());
            System.out.printf(Locale.ROOT,
                    "requests %d, hit ratio %.1f%%, p50 %.3f ms, p99 %.3f ms, GC %d collections %d ms, entries %d%n",
                    o.requests(), 100 * o.hitRatio(), o.p50Millis(), o.p99Millis(), o.gcCollections(), o.gcMillis(),
                    o.entries());
        }
    }
}

package io.hmapstore.infinispan.bench;

import io.hmapstore.infinispan.HmapStoreConfigurationBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.infinispan.Cache;
import org.infinispan.commons.util.Util;
import org.infinispan.configuration.cache.ConfigurationBuilder;
import org.infinispan.configuration.global.GlobalConfigurationBuilder;
import org.infinispan.manager.DefaultCacheManager;

/**
 * hmapstore's Infinispan store beside Infinispan's own SoftIndexFileStore, through a local cache:
 * writes per second (each one written through to the store), reads per second of random keys (the
 * cache keeps only 10,000 entries in memory, so nearly every read goes to the store), and the time a
 * node holding all the entries takes to restart (cache manager started, cache started, one entry
 * read back from the store).
 *
 * <p>One thread, String keys, 100-character String values. Run with
 * {@code store-infinispan/run-benchmark.sh [entries] [directory]} (see the module's README).
 * Arguments: entries (default 1,000,000), then the directory (default a temporary one, deleted
 * after).
 */
public final class StoreBenchmark {
    private static final int IN_MEMORY = 10_000;

    private StoreBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int entries = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Path root = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("hmap-ispn-bench");
        String value = "v".repeat(100);
        System.out.printf("| store | entries | writes/s | reads/s | restart (ms) | files on disk (MiB) |%n|---|---|---|---|---|---|%n");
        for (String store : new String[] {"hmapstore", "SoftIndexFileStore"}) {
            Path dir = root.resolve(store);
            long[] r = run(store, dir, entries, value);
            System.out.printf("| %s | %,d | %,d | %,d | %,d | %,d |%n", store, entries, r[0], r[1], r[2], r[3] >> 20);
            Util.recursiveFileRemove(dir);
        }
        if (args.length <= 1) {
            Util.recursiveFileRemove(root);
        }
    }

    /** @return writes/s, reads/s, restart ms, bytes on disk */
    private static long[] run(String store, Path dir, int entries, String value) throws Exception {
        long writesPerSecond;
        long readsPerSecond;
        try (DefaultCacheManager m = manager(store, dir, entries)) {
            Cache<String, String> c = m.getCache("bench");
            long t0 = System.nanoTime();
            for (int i = 0; i < entries; i++) {
                c.put("key-" + i, value);
            }
            writesPerSecond = perSecond(entries, System.nanoTime() - t0);
            SplittableRandom random = new SplittableRandom(42);
            int found = 0;
            t0 = System.nanoTime();
            for (int i = 0; i < entries; i++) {
                found += c.get("key-" + random.nextInt(entries)) != null ? 1 : 0;
            }
            readsPerSecond = perSecond(entries, System.nanoTime() - t0);
            check(found == entries, store + ": " + found + " of " + entries + " reads found their entry");
        }
        long t0 = System.nanoTime();
        long restartMillis;
        try (DefaultCacheManager m = manager(store, dir, entries)) {
            Cache<String, String> c = m.getCache("bench");
            check(value.equals(c.get("key-" + (entries - 1))), store + ": the last entry is back after restart");
            restartMillis = (System.nanoTime() - t0) / 1_000_000;
            check(c.size() == entries, store + ": " + c.size() + " entries after restart, expected " + entries);
        }
        return new long[] {writesPerSecond, readsPerSecond, restartMillis, diskBytes(dir)};
    }

    private static DefaultCacheManager manager(String store, Path dir, int entries) {
        GlobalConfigurationBuilder g = new GlobalConfigurationBuilder().nonClusteredDefault();
        g.globalState().enable().persistentLocation(dir.toString());
        ConfigurationBuilder b = new ConfigurationBuilder();
        b.memory().maxCount(IN_MEMORY);
        if (store.equals("hmapstore")) {
            b.persistence().addStore(HmapStoreConfigurationBuilder.class).expectedEntries(entries);
        } else {
            b.persistence().addSoftIndexFileStore();
        }
        DefaultCacheManager m = new DefaultCacheManager(g.build());
        m.defineConfiguration("bench", b.build());
        return m;
    }

    private static long perSecond(long ops, long nanos) {
        return ops * 1_000_000_000L / Math.max(1, nanos);
    }

    /** @return the blocks the directory's files occupy ({@code du}: hmapstore's files are sparse, their length says little) */
    private static long diskBytes(Path dir) throws Exception {
        Process du = new ProcessBuilder("du", "-sk", dir.toString()).redirectErrorStream(true).start();
        String out = new String(du.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        du.waitFor();
        return Long.parseLong(out.split("\\s+")[0]) << 10;
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what);
        }
    }
}

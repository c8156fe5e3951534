package io.hmapstore.examples;

import io.hmapstore.Codecs;
import io.hmapstore.OffHeapMap;
import io.hmapstore.StoreFileInfo;
import io.hmapstore.StoreStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A store that outlives the process: write it, close it, reopen it, read it back, and look at the
 * file the way {@code hmapstore inspect FILE} does.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp examples/target/classes:store-core/target/classes:store-native/target/classes \
 *     io.hmapstore.examples.PersistentStoreExample [FILE]
 * </pre>
 *
 * Without FILE it uses a new temporary file (an empty file is a new store) and deletes it after.
 */
public final class PersistentStoreExample {
    private static final int USERS = 100_000;

    private PersistentStoreExample() {
    }

    /**
     * @param args optionally the store file
     * @throws IOException if the temporary file cannot be made
     */
    public static void main(String[] args) throws IOException {
        Path file = args.length > 0 ? Path.of(args[0]) : Files.createTempFile("users", ".hmap");
        try {
            run(file);
        } finally {
            if (args.length == 0) {
                Files.deleteIfExists(file);
            }
        }
    }

    private static void run(Path file) {
        // 1. Write. The file is created (or, if it holds a store, opened and checked) by open().
        try (OffHeapMap<Long, String> users = OffHeapMap.of(Codecs.longs(), Codecs.utf8()).persistTo(file).open()) {
            for (long id = 0; id < USERS; id++) {
                users.put(id, "user-" + id + "@example.com");
            }
            users.sync();   // durable against power loss now; a killed process would lose nothing anyway
            System.out.println("wrote " + users.size() + " users; while open the file reads "
                    + (StoreFileInfo.read(file).clean() ? "clean" : "dirty"));
        }
        // 2. Closed: the superblock says clean, and says what the file holds without opening it.
        StoreFileInfo info = StoreFileInfo.read(file);
        System.out.printf(Locale.ROOT, "closed: %s, %d bytes, format %d, page %d, keys '%s' (%d bytes), values '%s' (%s)%n",
                info.clean() ? "clean" : "dirty", info.fileBytes(), info.formatVersion(), info.pageSize(),
                info.keyCodec(), info.keySize(), info.valueCodec(),
                info.valueSize() < 0 ? "variable size" : info.valueSize() + " bytes");

        // 3. Reopen with the same codecs (others are refused, naming both) and read back.
        try (OffHeapMap<Long, String> users = OffHeapMap.of(Codecs.longs(), Codecs.utf8()).persistTo(file).open()) {
            System.out.println("reopened: " + users.size() + " users; user 4242 is " + users.get(4242L));
            if (users.size() != USERS || !"user-4242@example.com".equals(users.get(4242L))) {
                throw new IllegalStateException("the reopened store lost data");
            }
            // 4. What `hmapstore inspect FILE` shows, from the same figures.
            StoreStats stats = users.stats();
            System.out.printf(Locale.ROOT, "segments %d, entries %d, buckets %d primary + %d overflow, load %.2f%n",
                    stats.segments(), stats.entries(), stats.buckets(), stats.overflowBuckets(), stats.loadFactor());
            System.out.println("segment  B  count  overflow");
            for (int s = 0; s < stats.segments(); s++) {
                System.out.printf(Locale.ROOT, "%7d %2d %6d %9d%n", s, stats.bucketsLog2()[s], stats.segmentEntries()[s],
                        stats.segmentOverflowBuckets()[s]);
            }
            long[] chains = stats.chainLengthHistogram();
            StringBuilder histogram = new StringBuilder("chain lengths:");
            for (int n = 1; n < chains.length; n++) {
                if (chains[n] != 0) {
                    histogram.append(' ').append(n).append('×').append(chains[n]);
                }
            }
            System.out.println(histogram);
            System.out.println("heap bytes by block size: " + stats.bytesBySizeClass());
            System.out.println("verify: " + (users.verify().isClean() ? "clean" : users.verify().problems()));
        }
    }
}

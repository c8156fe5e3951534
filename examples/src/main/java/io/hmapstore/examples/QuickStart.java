package io.hmapstore.examples;

import io.hmapstore.Codecs;
import io.hmapstore.Concurrency;
import io.hmapstore.OffHeapMap;
import io.hmapstore.StoreStats;
import io.hmapstore.ValueView;
import io.hmapstore.VerifyReport;
import io.hmapstore.memory.ReleasePolicy;
import java.nio.charset.StandardCharsets;

/**
 * The first steps: open a store, use it as a {@code ConcurrentMap}, use the allocation-free paths, look at
 * its stats and verify it.
 *
 * <pre>mvn -q -pl examples compile exec:exec -Dexample=QuickStart</pre>
 */
public final class QuickStart {

    private QuickStart() {
    }

    /** @param args unused */
    public static void main(String[] args) {
        // 1. A Long -> String store: an ordinary ConcurrentMap whose entries live off the Java heap.
        try (OffHeapMap<Long, String> users = OffHeapMap.of(Codecs.longs(), Codecs.utf8())
                .expectedEntries(100_000)                 // a sizing hint, not a limit
                .releasePolicy(ReleasePolicy.DONTNEED)    // how freed memory goes back to the kernel
                .concurrency(Concurrency.CONCURRENT)      // any number of threads
                .open()) {
            users.put(42L, "alice");
            users.putIfAbsent(43L, "bob");
            users.merge(42L, " (admin)", String::concat);
            System.out.println("users.get(42) = " + users.get(42L));
            System.out.println("users         = " + users);

            // A zero-copy view reads the value where it lives.
            ValueView view = users.view(43L);
            System.out.println("view of 43    = " + new String(view.toArray(), StandardCharsets.UTF_8));

            for (long id = 0; id < 100_000; id++) {
                users.put(1_000 + id, "user-" + id);
            }
            StoreStats stats = users.stats();
            System.out.printf("entries %d, buckets %d, load factor %.2f, growths %d, mapped %d KiB%n",
                    stats.entries(), stats.buckets(), stats.loadFactor(), stats.growths(), stats.mappedBytes() >> 10);
            VerifyReport report = users.verify();
            System.out.println("verify: " + report.entriesChecked() + " entries checked, clean = " + report.isClean());
        }

        // 2. A Long -> Long store has allocation-free getLong/putLong, for hot paths.
        try (OffHeapMap<Long, Long> counters = OffHeapMap.of(Codecs.longs(), Codecs.longs()).open()) {
            for (int i = 0; i < 1_000_000; i++) {
                long key = i % 1_000;
                counters.putLong(key, counters.getLong(key, 0) + 1);
            }
            System.out.println("counter 7 = " + counters.getLong(7, 0) + " (1,000,000 increments over 1,000 keys)");
        }
    }
}

package io.hmapstore.persist;

import io.hmapstore.Codecs;
import io.hmapstore.Concurrency;
import io.hmapstore.OffHeapMap;
import java.nio.file.Path;

/**
 * The process {@link ClearCrashTest} kills: fills a PUNCH_HOLE store file, empties it key by key
 * (shrinking it, so freed bucket arrays are punched), fills it again and clears it, over and over,
 * so a SIGKILL often lands while heap memory is being given back.
 */
public final class ClearCrashChild {
    private ClearCrashChild() {
    }

    /**
     * @param args the store file
     */
    public static void main(String[] args) {
        String value = "v".repeat(1500);
        try (OffHeapMap<Long, String> store = OffHeapMap.of(Codecs.longs(), Codecs.utf8()).persistTo(Path.of(args[0]))
                .concurrency(Concurrency.SINGLE_WRITER).reserveBytes(1L << 30).open()) {
            System.out.println("READY");
            System.out.flush();
            for (long round = 0; ; round++) {
                for (long i = 0; i < 2000; i++) {
                    store.put(i, value);
                }
                // Removing shrinks the table: old bucket arrays are freed and punched one by one.
                for (long i = 0; i < 2000; i++) {
                    store.remove(i);
                }
                for (long i = 0; i < 2000; i++) {
                    store.put(i, value);
                }
                store.clear();
            }
        }
    }
}

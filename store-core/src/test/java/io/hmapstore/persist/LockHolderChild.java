package io.hmapstore.persist;

import io.hmapstore.Codecs;
import io.hmapstore.OffHeapMap;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The other process of {@link FileLifecycleTest}: opens a store file, says READY, and holds it open
 * until its standard input closes, then closes the store cleanly.
 */
public final class LockHolderChild {
    private LockHolderChild() {
    }

    /**
     * @param args the store file
     * @throws IOException if standard input fails
     */
    public static void main(String[] args) throws IOException {
        try (OffHeapMap<Long, Long> store = OffHeapMap.of(Codecs.longs(), Codecs.longs()).persistTo(Path.of(args[0]))
                .open()) {
            store.putLong(1, 2);
            System.out.println("READY");
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold the file until the parent closes our input
            }
        }
        System.out.println("CLOSED");
    }
}

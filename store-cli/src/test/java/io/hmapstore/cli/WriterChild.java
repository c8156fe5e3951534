package io.hmapstore.cli;

import io.hmapstore.Codecs;
import io.hmapstore.OffHeapMap;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The writer of {@link StoreFileCommandsTest}'s live-writer tests, in a process of its own (a file's
 * writer lock is per process): opens the store file, adds an entry, says READY, and holds the store
 * open until its standard input closes.
 */
public final class WriterChild {
    private WriterChild() {
    }

    /**
     * @param args the store file, and {@code --no-write} to open it without writing
     * @throws IOException if standard input fails
     */
    public static void main(String[] args) throws IOException {
        try (OffHeapMap<String, byte[]> store = OffHeapMap.of(Codecs.utf8(), Codecs.bytes()).persistTo(Path.of(args[0]))
                .open()) {
            if (args.length < 2 || !args[1].equals("--no-write")) {
                store.put("from the writer", new byte[5]);
            }
            System.out.println("READY");
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold the file until the parent closes our input
            }
        }
    }
}

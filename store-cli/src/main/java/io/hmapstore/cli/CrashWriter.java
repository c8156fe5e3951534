package io.hmapstore.cli;

import io.hmapstore.Codecs;
import io.hmapstore.Concurrency;
import io.hmapstore.OffHeapMap;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The child JVM that {@code hmapstore hazards} kills with SIGKILL: it writes keys 0, 1, 2, ... to a
 * store file forever, printing each key once its {@code put} has returned, so the parent knows which
 * writes were acknowledged when the kill came. Not a user command.
 */
public final class CrashWriter {

    /** The line the child prints once the store is open. */
    static final String READY = "READY";

    private CrashWriter() {
    }

    /** @return the value the child stores under {@code key}, so the parent can check it */
    static String valueOf(long key) {
        return "value-" + key + "-" + "x".repeat((int) (key % 50));
    }

    /**
     * @param args the store file
     */
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: CrashWriter FILE (run by hmapstore hazards, which kills it)");
            System.exit(2);
        }
        PrintStream out = new PrintStream(System.out, false);
        try (OffHeapMap<Long, String> store = OffHeapMap.of(Codecs.longs(), Codecs.utf8()).persistTo(Path.of(args[0]))
                .concurrency(Concurrency.SINGLE_WRITER).open()) {
            out.println(READY);
            out.flush();
            for (long key = 0; ; key++) {
                store.put(key, valueOf(key));
                out.println(key);
                out.flush();
            }
        }
    }
}

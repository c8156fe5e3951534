package io.hmapstore.crash;

import io.hmapstore.Codecs;
import io.hmapstore.Concurrency;
import io.hmapstore.OffHeapMap;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The process {@link CrashRecoveryTest} kills: applies {@link CrashOps} to a store file forever and
 * prints the number of each operation after it returns.
 */
public final class CrashChild {
    private CrashChild() {
    }

    /**
     * @param args file, seed, concurrency
     */
    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        Concurrency mode = Concurrency.valueOf(args[2]);
        PrintStream out = new PrintStream(System.out, false);
        try (OffHeapMap<Long, String> store = OffHeapMap.of(Codecs.longs(), Codecs.utf8()).persistTo(file)
                .concurrency(mode).open()) {
            out.println("READY");
            out.flush();
            CrashOps ops = new CrashOps(seed);
            for (long i = 0; ; i++) {
                ops.next();
                if (ops.isPut()) {
                    store.put(ops.key(), ops.value());
                } else {
                    store.remove(ops.key());
                }
                out.println(i);
                out.flush();
            }
        }
    }
}

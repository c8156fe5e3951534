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
     * @param args file, seed, concurrency, and optionally N: call {@code compact()} after every N
     *     operations, printing COMPACTING before and COMPACTED after
     */
    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        Concurrency mode = Concurrency.valueOf(args[2]);
        long compactEvery = args.length > 3 ? Long.parseLong(args[3]) : 0;
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
                if (compactEvery > 0 && i % compactEvery == compactEvery - 1) {
                    out.println("COMPACTING");
                    out.flush();
                    store.compact();
                    out.println("COMPACTED");
                    out.flush();
                }
            }
        }
    }
}

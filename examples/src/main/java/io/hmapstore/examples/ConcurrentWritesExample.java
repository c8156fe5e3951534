package io.hmapstore.examples;

import io.hmapstore.Codecs;
import io.hmapstore.Concurrency;
import io.hmapstore.ConcurrentWriteException;
import io.hmapstore.CorruptedStoreException;
import io.hmapstore.Guard;
import io.hmapstore.OffHeapMap;
import io.hmapstore.VerifyReport;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Concurrency#SINGLE_WRITER} store is like a Go map: one writer at a time. Two unsynchronised writers
 * tear its buckets and lose writes; with {@link Guard#CONCURRENT_WRITE_CHECK} (on by default) the overlap is
 * caught and reported as {@link ConcurrentWriteException}, as Go's {@code fatal error: concurrent map writes}.
 * A {@link Concurrency#CONCURRENT} store takes any number of writers.
 *
 * <pre>mvn -q -pl examples compile exec:exec -Dexample=ConcurrentWritesExample</pre>
 */
public final class ConcurrentWritesExample {

    private static final int PER_THREAD = 100_000;

    private ConcurrentWritesExample() {
    }

    /**
     * @param args unused
     * @throws InterruptedException if interrupted while waiting for the writers
     */
    public static void main(String[] args) throws InterruptedException {
        System.out.println("== guard off: SINGLE_WRITER, withoutGuards(Guard.CONCURRENT_WRITE_CHECK)");
        long deadline = System.nanoTime() + 5_000_000_000L;
        boolean seen = false;
        while (!seen && System.nanoTime() < deadline) {
            try (OffHeapMap<Long, Long> map = single().withoutGuards(Guard.CONCURRENT_WRITE_CHECK).open()) {
                seen = twoWriters(map);
            }
        }

        System.out.println("== guard on (the default): SINGLE_WRITER");
        try (OffHeapMap<Long, Long> map = single().open()) {
            twoWriters(map);
        }

        System.out.println("== the fix for two writers: CONCURRENT");
        try (OffHeapMap<Long, Long> map = OffHeapMap.of(Codecs.longs(), Codecs.longs())
                .concurrency(Concurrency.CONCURRENT).open()) {
            twoWriters(map);
        }
    }

    private static OffHeapMap.Builder<Long, Long> single() {
        return OffHeapMap.of(Codecs.longs(), Codecs.longs()).concurrency(Concurrency.SINGLE_WRITER).expectedEntries(8);
    }

    /**
     * Two threads insert {@value #PER_THREAD} different keys each, then the result is checked.
     *
     * @return whether anything went wrong
     */
    private static boolean twoWriters(OffHeapMap<Long, Long> map) throws InterruptedException {
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Thread[] writers = new Thread[2];
        for (int t = 0; t < 2; t++) {
            long base = t * 1_000_000L;
            writers[t] = Thread.ofPlatform().start(() -> {
                try {
                    for (long k = base; k < base + PER_THREAD; k++) {
                        map.putLong(k, k);
                    }
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                }
            });
        }
        for (Thread w : writers) {
            w.join();
        }
        RuntimeException e = failure.get();
        if (e instanceof ConcurrentWriteException) {
            System.out.println("   refused: ConcurrentWriteException: " + e.getMessage());
            return true;
        }
        if (e != null) {
            System.out.println("   a writer crashed on torn memory: " + e);
        }
        long lost = 0;
        try {
            for (int t = 0; t < 2; t++) {
                for (long k = t * 1_000_000L; k < t * 1_000_000L + PER_THREAD; k++) {
                    if (map.getLong(k, -1) != k) {
                        lost++;
                    }
                }
            }
        } catch (CorruptedStoreException torn) {
            // The race tore the table itself: the offset checks refuse to follow what it left.
            System.out.println("   a reader found torn memory: " + torn.getMessage());
            return true;
        }
        VerifyReport report = map.verify();
        System.out.println("   " + 2 * PER_THREAD + " keys written, " + lost + " lost, size() = " + map.size()
                + ", verify(): " + (report.isClean() ? "clean" : report.problems().size() + " problems"));
        return e != null || lost > 0 || !report.isClean();
    }
}

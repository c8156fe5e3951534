package io.hmapstore.cli;

import static io.hmapstore.cli.Hazard.Trial.figures;

import io.hmapstore.Codecs;
import io.hmapstore.Concurrency;
import io.hmapstore.ConcurrentWriteException;
import io.hmapstore.Guard;
import io.hmapstore.OffHeapMap;
import io.hmapstore.VerifyReport;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Concurrent writes to a single-writer store, Go's {@code fatal error: concurrent map writes}: two
 * threads insert disjoint keys into one fresh {@code SINGLE_WRITER} store. Unguarded, the
 * overlapping writes tear buckets and lose entries, counted afterwards; guarded, the segment's
 * {@code writing} stamp catches the overlap and throws {@link ConcurrentWriteException}. Whether the
 * threads overlap at all is the scheduler's choice, so each half runs rounds on fresh stores until
 * it sees its outcome or its time is up.
 */
final class ConcurrentWritesHazard implements Hazard {

    @Override
    public About about() {
        return new About("concurrent-writes",
                "concurrent writes to a single-writer store (two threads)",
                "GuardsTest.ConcurrentWriteCheck, jcstress", "ConcurrentWritesExample", false);
    }

    /** What one round found. */
    private record Round(Throwable thrown, long lost, long size, int verifyProblems, boolean hung) {

        boolean refused() {
            return thrown instanceof ConcurrentWriteException;
        }

        boolean damaged() {
            return hung || lost > 0 || verifyProblems > 0 || (thrown != null && !refused());
        }
    }

    @Override
    public Trial run(boolean guarded, Settings settings) throws InterruptedException {
        long deadline = System.nanoTime() + settings.raceMillis() * 1_000_000;
        int perThread = settings.racingWrites();
        int rounds = 0;
        Round last;
        do {
            rounds++;
            last = round(guarded, perThread, settings.raceMillis());
        } while (!last.refused() && !last.damaged() && System.nanoTime() < deadline);
        var figures = figures("rounds", rounds, "writesPerThread", perThread, "lostWrites", last.lost(),
                "size", last.size(), "verifyProblems", last.verifyProblems(), "writerHung", last.hung(),
                "thrown", last.thrown() == null ? null : last.thrown().toString());
        String inRounds = " (round " + rounds + ")";
        if (last.damaged()) {
            String what = last.hung() ? "a writer hung inside the torn store"
                    : last.size() < 0 ? "reading the store back threw"
                    : last.lost() + " of " + 2 * perThread + " acknowledged writes lost, size() " + last.size() + ", verify: "
                            + (last.verifyProblems() < 0 ? "threw" : last.verifyProblems() + " problems");
            if (last.thrown() != null && !last.refused()) {
                what += "; a writer threw " + last.thrown();
            }
            return Trial.shown(what + inRounds, figures);
        }
        if (last.refused()) {
            return Trial.prevented("ConcurrentWriteException: " + last.thrown().getMessage() + inRounds, figures);
        }
        return Trial.prevented("the two writers never overlapped in " + rounds + " rounds: nothing to see or catch",
                figures);
    }

    private static Round round(boolean guarded, int perThread, long joinMillis) throws InterruptedException {
        OffHeapMap<Long, Long> store = OffHeapMap.of(Codecs.longs(), Codecs.longs())
                .concurrency(Concurrency.SINGLE_WRITER).expectedEntries(8)
                .withoutGuards(guarded ? new Guard[0] : new Guard[] {Guard.CONCURRENT_WRITE_CHECK}).open();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        Thread[] writers = new Thread[2];
        // Puts that returned, per writer: only those count as lost if absent (a refused writer stops early).
        AtomicLongArray returned = new AtomicLongArray(2);
        for (int t = 0; t < 2; t++) {
            int id = t;
            long base = t * 1_000_000_000L;
            writers[t] = Thread.ofPlatform().daemon().name("hazard-writer-" + t).start(() -> {
                try {
                    start.await();
                    for (long k = base; k < base + perThread; k++) {
                        store.putLong(k, k);
                        returned.lazySet(id, k - base + 1);
                    }
                } catch (Throwable e) {
                    thrown.compareAndSet(null, e);
                }
            });
        }
        start.countDown();
        for (Thread w : writers) {
            w.join(joinMillis * 2);
        }
        if (writers[0].isAlive() || writers[1].isAlive()) {
            // A writer is looping in a torn chain: closing would unmap memory under it, so the store is left open.
            return new Round(thrown.get(), -1, -1, -1, true);
        }
        try (store) {
            long lost = 0;
            for (int t = 0; t < 2; t++) {
                long base = t * 1_000_000_000L;
                for (long k = base; k < base + returned.get(t); k++) {
                    lost += store.getLong(k, -1) == k ? 0 : 1;
                }
            }
            VerifyReport report = store.verify();
            return new Round(thrown.get(), lost, store.size(), report.problems().size(), false);
        } catch (RuntimeException e) {
            // Reading the store back failed: the race tore it (the offset checks refused what it left).
            return new Round(e, 0, -1, -1, false);
        }
    }
}

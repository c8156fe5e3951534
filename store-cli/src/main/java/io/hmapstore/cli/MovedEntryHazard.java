package io.hmapstore.cli;

import static io.hmapstore.cli.Hazard.Trial.figures;

import io.hmapstore.Codecs;
import io.hmapstore.Concurrency;
import io.hmapstore.Guard;
import io.hmapstore.OffHeapMap;
import io.hmapstore.memory.ReleasePolicy;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Compaction moving an entry under a lock-free reader: key 1's entry is left alone in a slab (every
 * other entry of the slab deleted), a {@code get(1)} is paused where it decodes the value, and
 * {@code compact()} moves the entry to a dense slab and gives the sparse one to {@code DONTNEED}.
 * Without epochs the old copy is freed at once, its slab released, and the reader is looking at zeros
 * where its value was; with them the old copy stays until the reader leaves, so it sees the value intact.
 * Either way validation makes it retry and {@code get} returns the value from its new place.
 */
final class MovedEntryHazard implements Hazard {
    private static final String VALUE = "live-value".repeat(4);
    private static final long WAIT_SECONDS = 10;

    @Override
    public About about() {
        return new About("moved-entry",
                "compaction moving an entry under a paused lock-free reader (epochs)",
                "CompactionRaceTest, jcstress RelocationRace", "-", false);
    }

    @Override
    public Trial run(boolean guarded, Settings settings) throws Exception {
        PausedReaderHazard.PausingUtf8 codec = new PausedReaderHazard.PausingUtf8();
        try (OffHeapMap<Long, String> store = OffHeapMap.of(Codecs.longs(), codec).concurrency(Concurrency.CONCURRENT)
                .releasePolicy(ReleasePolicy.DONTNEED)
                .withoutGuards(guarded ? new Guard[0] : new Guard[] {Guard.EPOCH_RECLAMATION}).open()) {
            store.put(1L, VALUE);
            // Two slabs more of entries of the same size, so key 1's slab is no longer the one being carved,
            // then all of them deleted: key 1 is alone in its slab, which compaction empties.
            for (long k = 2; k < 2_100; k++) {
                store.put(k, VALUE);
            }
            for (long k = 2; k < 2_100; k++) {
                store.remove(k);
            }
            CompletableFuture<String> reader = CompletableFuture.supplyAsync(() -> {
                codec.pauseOn = Thread.currentThread();
                return store.get(1L);
            });
            if (!codec.paused.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the reader never reached the value's bytes in " + WAIT_SECONDS + " s");
            }
            store.compact();
            long moved = store.stats().compactedBytes();
            codec.resume.countDown();
            String returned = reader.get(WAIT_SECONDS, TimeUnit.SECONDS);
            String seen = codec.seen;
            var figures = figures("pausedReaderSaw", printable(seen), "getReturned", printable(returned), "bytesMoved",
                    moved);
            String tail = "; validation failed, it retried, and get(1) returned " + describe(returned);
            if (moved == 0) {
                throw new IllegalStateException("compact() moved nothing: the hazard was not set up");
            }
            if (VALUE.equals(seen)) {
                return Trial.prevented("the paused reader saw key 1's old copy intact while compact() moved it" + tail,
                        figures);
            }
            return Trial.shown("the paused reader of key 1 saw " + describe(seen)
                    + " in the old copy's block, freed and released by compact()" + tail, figures);
        }
    }

    private static String describe(String s) {
        return s == null ? "null" : s.chars().allMatch(c -> c == 0) ? s.length() + " zero bytes" : "\"" + printable(s) + "\"";
    }

    private static String printable(String s) {
        if (s == null) {
            return null;
        }
        String p = s.replace('\0', '.');
        return p.length() <= 20 ? p : p.substring(0, 20) + "...";
    }
}

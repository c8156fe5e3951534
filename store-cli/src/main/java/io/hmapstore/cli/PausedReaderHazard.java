package io.hmapstore.cli;

import static io.hmapstore.cli.Hazard.Trial.figures;

import io.hmapstore.Codec;
import io.hmapstore.Codecs;
import io.hmapstore.Concurrency;
import io.hmapstore.Guard;
import io.hmapstore.OffHeapMap;
import io.hmapstore.memory.ReleasePolicy;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A lock-free reader paused across a reclamation: in a {@code CONCURRENT} store a {@code get} reads
 * without a lock and validates afterwards. It is paused where it decodes the value (inside the
 * value codec, which the store calls on its own memory) while a writer removes the entry and
 * stores another of the same size. Without epochs the freed block is reused at once and the reader
 * is looking at the other entry's bytes; with them the block is held back until the reader leaves,
 * so it sees the retired value intact. Either way validation makes it retry.
 */
final class PausedReaderHazard implements Hazard {
    private static final String OLD = "old-value-".repeat(4);
    private static final String NEW = "NEW-VALUE-".repeat(4);
    private static final long WAIT_SECONDS = 10;

    @Override
    public About about() {
        return new About("paused-reader",
                "a lock-free reader paused across a reclamation (epochs)",
                "EpochReclamationTest", "-", false);
    }

    @Override
    public Trial run(boolean guarded, Settings settings) throws Exception {
        PausingUtf8 codec = new PausingUtf8();
        try (OffHeapMap<Long, String> store = OffHeapMap.of(Codecs.longs(), codec).concurrency(Concurrency.CONCURRENT)
                .releasePolicy(ReleasePolicy.KEEP)
                .withoutGuards(guarded ? new Guard[0] : new Guard[] {Guard.EPOCH_RECLAMATION}).open()) {
            store.put(1L, OLD);
            CompletableFuture<String> reader = CompletableFuture.supplyAsync(() -> {
                codec.pauseOn = Thread.currentThread();
                return store.get(1L);
            });
            if (!codec.paused.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the reader never reached the value's bytes in " + WAIT_SECONDS + " s");
            }
            store.remove(1L);
            store.put(2L, NEW);
            // Churn enough to run the reclaimer many times: with epochs it must still not free the reader's block.
            for (long k = 10; k < 1_000; k++) {
                store.put(k, NEW);
                store.remove(k);
            }
            store.put(2L, NEW);
            codec.resume.countDown();
            String returned = reader.get(WAIT_SECONDS, TimeUnit.SECONDS);
            String seen = codec.seen;
            int decodes = codec.decodes.get();
            var figures = figures("pausedReaderSaw", seen, "getReturned", returned, "readerDecodes", decodes);
            // The retry finds key 1 removed, so it decodes nothing more: what get returns shows it.
            String tail = "; validation failed, it retried, and get(1) returned " + returned;
            if (OLD.equals(seen) && returned == null) {
                return Trial.prevented("the paused reader saw key 1's retired value intact (\"" + abbreviate(seen)
                        + "\")" + tail, figures);
            }
            return Trial.shown("the paused reader of key 1 saw \"" + abbreviate(seen) + "\""
                    + (NEW.equals(seen) ? ", key 2's bytes, in its freed and reused block" : "") + tail, figures);
        }
    }

    private static String abbreviate(String s) {
        return s == null || s.length() <= 20 ? s : s.substring(0, 20) + "...";
    }

    /**
     * UTF-8 strings, but the first decode on {@link #pauseOn} waits to be resumed and then records the
     * bytes it finds: the store hands a codec its own memory, so this is where a lock-free reader
     * stands between finding a value and validating it.
     */
    static final class PausingUtf8 implements Codec<String> {
        private final Codec<String> utf8 = Codecs.utf8();
        final CountDownLatch paused = new CountDownLatch(1);
        final CountDownLatch resume = new CountDownLatch(1);
        final AtomicInteger decodes = new AtomicInteger();
        volatile Thread pauseOn;
        volatile String seen;

        @Override
        public String id() {
            return utf8.id();
        }

        @Override
        public int fixedSize() {
            return utf8.fixedSize();
        }

        @Override
        public long encodedSize(String value) {
            return utf8.encodedSize(value);
        }

        @Override
        public void encode(String value, MemorySegment target, long offset) {
            utf8.encode(value, target, offset);
        }

        @Override
        public String decode(MemorySegment source, long offset, long length) {
            if (Thread.currentThread() == pauseOn && decodes.getAndIncrement() == 0) {
                paused.countDown();
                try {
                    if (!resume.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the paused reader was never resumed");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while paused", e);
                }
                seen = new String(source.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
            } else if (Thread.currentThread() == pauseOn) {
                decodes.incrementAndGet();
            }
            return utf8.decode(source, offset, length);
        }

        @Override
        public Class<String> type() {
            return String.class;
        }
    }
}

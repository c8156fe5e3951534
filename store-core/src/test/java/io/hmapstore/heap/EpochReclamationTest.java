package io.hmapstore.heap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hmapstore.Codecs;
import io.hmapstore.Concurrency;
import io.hmapstore.Guard;
import io.hmapstore.OffHeapMap;
import io.hmapstore.memory.ReleasePolicy;
import io.hmapstore.store.TableStore;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The epoch guard both ways: a lock-free reader is paused where it is about to decode a value while
 * a writer removes that entry and stores another of the same size. Without epochs the freed block is
 * reused at once and the reader is looking at the other entry's bytes; with them it still sees the
 * retired value. Either way validation makes the reader retry, so {@code get} returns the truth.
 */
class EpochReclamationTest {
    private static final String OLD = "old-value-".repeat(4);
    private static final String NEW = "NEW-VALUE-".repeat(4);

    private static String bytesSeenByPausedReader(Guard... off) throws Exception {
        try (TableStore<Long, String> store = (TableStore<Long, String>) OffHeapMap.of(Codecs.longs(), Codecs.utf8())
                .concurrency(Concurrency.CONCURRENT).releasePolicy(ReleasePolicy.KEEP).withoutGuards(off).open()) {
            store.put(1L, OLD);
            CountDownLatch paused = new CountDownLatch(1);
            CountDownLatch resume = new CountDownLatch(1);
            AtomicReference<String> seen = new AtomicReference<>();
            store.readHook((memory, offset, length) -> {
                if (paused.getCount() == 0) {
                    return;
                }
                paused.countDown();
                try {
                    assertTrue(resume.await(10, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                seen.set(new String(memory.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE),
                        StandardCharsets.UTF_8));
            });
            CompletableFuture<String> reader = CompletableFuture.supplyAsync(() -> store.get(1L));
            assertTrue(paused.await(10, TimeUnit.SECONDS));

            store.remove(1L);
            store.put(2L, NEW);
            // Churn enough to run the reclaimer many times: it must still not free the reader's block.
            for (long k = 10; k < 1_000; k++) {
                store.put(k, NEW);
                store.remove(k);
            }
            store.put(2L, NEW);
            resume.countDown();

            assertNull(reader.get(10, TimeUnit.SECONDS), "after validation the reader sees the removal");
            assertEquals(NEW, store.get(2L));
            assertTrue(store.verify().isClean());
            return seen.get();
        }
    }

    @Test
    void pausedReader_seesRetiredBytesIntact_withEpochs() throws Exception {
        assertEquals(OLD, bytesSeenByPausedReader());
    }

    @Test
    void pausedReader_seesAnotherEntrysBytes_withoutEpochs() throws Exception {
        assertEquals(NEW, bytesSeenByPausedReader(Guard.EPOCH_RECLAMATION));
    }
}

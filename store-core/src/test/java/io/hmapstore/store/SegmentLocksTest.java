package io.hmapstore.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hmapstore.Codecs;
import io.hmapstore.Concurrency;
import io.hmapstore.OffHeapMap;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The concurrent mode's segment locks (the seqlock stamp taken by CAS) are not reentrant and do not
 * outlive the store: a codec that writes to its own store from inside a write gets an exception instead
 * of spinning forever, and a writer waiting on a segment when the store closes gives up. Each test has a
 * deadline, since the failure these guard against is a hang.
 */
class SegmentLocksTest {

    /** A one-shot callback, run by the next encode (while the store holds the segment). */
    private static final class Callback implements Consumer<String> {
        volatile Runnable next = () -> { };

        @Override
        public void accept(String value) {
            Runnable r = next;
            next = () -> { };
            r.run();
        }
    }

    /**
     * Starts a writer of key 7 whose encode holds the segment until {@code release} opens.
     *
     * @return the writer, once it holds the segment
     */
    private static Thread holdSegmentOf7(OffHeapMap<Long, String> map, Callback callback, CountDownLatch release)
            throws InterruptedException {
        CountDownLatch holding = new CountDownLatch(1);
        callback.next = () -> {
            holding.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        Thread holder = new Thread(() -> map.put(7L, "held"));
        holder.start();
        holding.await();
        return holder;
    }

    @Test
    void aWriteFromInsideAWriteOnTheSameSegment_isRefused_andTheStoreGoesOn() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            Callback callback = new Callback();
            try (OffHeapMap<Long, String> map = OffHeapMap.of(Codecs.longs(), new HookedUtf8Codec(callback))
                    .concurrency(Concurrency.CONCURRENT).open()) {
                map.put(1L, "one");
                callback.next = () -> map.put(1L, "inner");
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> map.put(1L, "outer"));
                assertTrue(e.getMessage().contains("already held by this thread"), e.getMessage());
                assertEquals("one", map.get(1L), "the refused write left the old value");
                map.put(1L, "after");
                assertEquals("after", map.get(1L));
                assertTrue(map.verify().problems().isEmpty());
            }
        });
    }

    /**
     * A write is not interruptible: an interrupted writer waiting for a segment (parked, past its spin)
     * still writes once the holder leaves, and keeps its interrupt status. (parkNanos returns at once
     * while the status is set, so the wait clears it and sets it again afterwards.)
     */
    @Test
    void anInterruptedWriterWaitingForASegment_writesWhenItIsFree_andStaysInterrupted() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            Callback callback = new Callback();
            try (OffHeapMap<Long, String> map = OffHeapMap.of(Codecs.longs(), new HookedUtf8Codec(callback))
                    .concurrency(Concurrency.CONCURRENT).open()) {
                CountDownLatch release = new CountDownLatch(1);
                Thread holder = holdSegmentOf7(map, callback, release);
                AtomicReference<Boolean> interruptedAfter = new AtomicReference<>();
                Thread waiter = new Thread(() -> {
                    Thread.currentThread().interrupt();
                    map.put(7L, "waiter");
                    interruptedAfter.set(Thread.currentThread().isInterrupted());
                });
                waiter.start();
                Thread.sleep(100);  // the waiter is past its spin, parking
                assertTrue(waiter.isAlive(), "the waiter waits for the holder");
                release.countDown();
                holder.join();
                waiter.join();
                assertEquals(Boolean.TRUE, interruptedAfter.get(), "the waiter's interrupt status is kept");
                assertEquals("waiter", map.get(7L), "the waiter wrote after the holder");
            }
        });
    }

    /**
     * close() keeps every segment it takes (the memory behind the stamps goes away), so a writer still
     * waiting must end with an IllegalStateException (the store's "closed", or the closed memory's own),
     * and close() itself must return once the holder leaves.
     */
    @Test
    void aWriterWaitingForASegment_givesUpWhenTheStoreCloses() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            Callback callback = new Callback();
            OffHeapMap<Long, String> map = OffHeapMap.of(Codecs.longs(), new HookedUtf8Codec(callback))
                    .concurrency(Concurrency.CONCURRENT).open();
            CountDownLatch release = new CountDownLatch(1);
            Thread holder = holdSegmentOf7(map, callback, release);
            AtomicReference<Throwable> waiterSaw = new AtomicReference<>();
            Thread waiter = new Thread(() -> {
                try {
                    for (int i = 0; ; i++) {
                        map.put(7L, "waiting " + i);
                    }
                } catch (Throwable t) {
                    waiterSaw.set(t);
                }
            });
            waiter.start();
            Thread closer = new Thread(map::close);
            closer.start();
            Thread.sleep(100);  // the waiter and the closer both wait for segment 7 now
            release.countDown();
            holder.join();
            closer.join();
            waiter.join();
            assertTrue(waiterSaw.get() instanceof IllegalStateException, () -> "the waiter saw " + waiterSaw.get());
            assertThrows(IllegalStateException.class, () -> map.get(7L));
            map.close();  // again: nothing happens
        });
    }
}

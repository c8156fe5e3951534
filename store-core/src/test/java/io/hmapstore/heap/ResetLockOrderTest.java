package io.hmapstore.heap;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.hmapstore.memory.MappedRegion;
import io.hmapstore.memory.ReleasePolicy;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A reclaim ({@code cleanUp()}, which holds no segment) takes the reclaimer's lock and then the heap's, to
 * free; {@code clear()}'s {@link EntryHeap#reset} must not take them the other way round. Here one thread
 * holds the reclaimer's lock, as a reclaim does, until the reset is waiting, then frees a block: with the
 * reset holding the heap's lock while it waits, the two would deadlock.
 */
class ResetLockOrderTest {

    @Test
    void reset_waitingForTheReclaimer_holdsNotTheHeapsLock() throws Exception {
        try (MappedRegion region = MappedRegion.anonymous(1 << 20, 1 << 24)) {
            long heapStart = MappedRegion.pageSize();
            EntryHeap heap = new EntryHeap(region, heapStart, ReleasePolicy.DONTNEED, true, true, false);
            Reclaimer reclaimer = new Reclaimer(new ReaderEpochs(), heap);
            heap.deferFrees(reclaimer);
            long block = heap.allocate(64, BlockHeader.ENTRY);
            CountDownLatch held = new CountDownLatch(1);
            Thread reclaim = new Thread(() -> {
                synchronized (reclaimer) {
                    held.countDown();
                    awaitBlocked(resetter[0]);
                    heap.free(block); // what reclaim() does with the reclaimer's lock held
                }
            });
            Thread reset = new Thread(heap::reset);
            resetter[0] = reset;
            // Daemons, so a deadlock fails this test instead of keeping the test JVM alive.
            reclaim.setDaemon(true);
            reset.setDaemon(true);
            reclaim.start();
            held.await();
            reset.start();
            reclaim.join(TimeUnit.SECONDS.toMillis(10));
            reset.join(TimeUnit.SECONDS.toMillis(10));
            boolean deadlocked = reclaim.isAlive() || reset.isAlive();
            assertFalse(deadlocked, "reset() and a reclaim deadlocked: reset " + reset.getState() + ", reclaim "
                    + reclaim.getState());
        }
    }

    private final Thread[] resetter = new Thread[1];

    /** Waits until {@code other} has started and is blocked on a monitor (or 2 s have passed). */
    private static void awaitBlocked(Thread other) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (System.nanoTime() < deadline && (other == null || other.getState() != Thread.State.BLOCKED)) {
            Thread.onSpinWait();
        }
    }
}

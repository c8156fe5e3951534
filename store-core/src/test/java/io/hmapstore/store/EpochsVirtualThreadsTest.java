package io.hmapstore.store;

import io.hmapstore.Codecs;
import io.hmapstore.Concurrency;
import io.hmapstore.OffHeapMap;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code clear()} and {@code close()} wait for the lock-free readers inside the store
 * ({@code ReaderEpochs.synchronize}). A virtual thread can be unmounted inside its read (its value's
 * decode sleeps or blocks), and then needs a carrier to finish: a wait that only spun kept the only
 * carrier of a one-CPU scheduler, and the reader never ran again. The scheduler's size is fixed when
 * the JVM makes it, so the scenario runs in a child JVM with one carrier; a hang is the child not
 * exiting in time.
 */
class EpochsVirtualThreadsTest {
    /** Generous: the child takes under 2 s here; the livelock it guards against never ends. */
    private static final long DEADLINE_SECONDS = 60;

    @TempDir
    Path dir;

    @Test
    void clearWaitingForAnUnmountedReader_letsItFinish_onOneCarrier() throws Exception {
        ChildJvm.run(Child.class, List.of("-Djdk.virtualThreadScheduler.parallelism=1",
                "-Djdk.virtualThreadScheduler.maxPoolSize=1"), DEADLINE_SECONDS, "rounds done",
                "clear() did not finish on one carrier (waiting for a reader that needed the carrier it held?)",
                dir.resolve("child.log"));
    }

    /**
     * The scenario, in a JVM whose virtual-thread scheduler has one carrier. Each round: a virtual
     * thread reads key 7, whose value's decode sleeps for 100 ms (unmounting it inside its epoch); a
     * second virtual thread then clears the store, and must wait for the reader without keeping the
     * carrier. The reader's result is whatever its retry finds; the round checks that both finish and
     * the store is empty after.
     */
    static final class Child {
        private static final String SLEEPY = "sleepy";

        public static void main(String[] args) throws Exception {
            long start = System.nanoTime();
            HookedUtf8Codec values = new HookedUtf8Codec(value -> { }, Child::sleepIfSleepy);
            try (OffHeapMap<Long, String> map = OffHeapMap.of(Codecs.longs(), values)
                    .concurrency(Concurrency.CONCURRENT).open()) {
                for (int round = 0; round < 3; round++) {
                    map.put(7L, SLEEPY);
                    CountDownLatch reading = new CountDownLatch(1);
                    Thread reader = Thread.ofVirtual().start(() -> {
                        reading.countDown();
                        map.get(7L);
                    });
                    reading.await();
                    // Let the reader enter its decode (and sleep there) before the clear comes.
                    Thread.sleep(20);
                    Thread clearer = Thread.ofVirtual().start(map::clear);
                    clearer.join();
                    reader.join();
                    if (!map.isEmpty()) {
                        throw new AssertionError("clear() left entries: " + map.size());
                    }
                    System.out.println("round " + round + " at " + (System.nanoTime() - start) / 1_000_000 + " ms");
                }
            }
            System.out.println("rounds done");
        }

        /** The decode hook: a read of {@link #SLEEPY} sleeps for 100 ms, unmounting a virtual thread. */
        static void sleepIfSleepy(String value) {
            if (value.equals(SLEEPY)) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        private Child() {
        }
    }
}

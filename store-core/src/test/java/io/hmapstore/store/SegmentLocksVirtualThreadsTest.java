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
 * Virtual threads waiting for a segment whose holder is descheduled: the holder must get a carrier
 * back. With two carriers and eight writers of the holder's key, waiters that only spin and yield
 * held both carriers for good while the holder, asleep (or blocked on a monitor) inside its write,
 * was never run again; the old lock ({@code Thread.yield()} every 64 spins) did not finish one round
 * in a minute. The scheduler's size is fixed when the JVM makes it, so the scenario runs in a child
 * JVM with {@code -Djdk.virtualThreadScheduler.parallelism=2}; a hang is the child not exiting in time.
 */
class SegmentLocksVirtualThreadsTest {
    /** Generous: the child takes about 2 s here; the livelock it guards against never ends. */
    private static final long DEADLINE_SECONDS = 60;

    @TempDir
    Path dir;

    @Test
    void virtualWritersWaitingForADescheduledHolder_letItFinish_onTwoCarriers() throws Exception {
        ChildJvm.run(Child.class, List.of("-Djdk.virtualThreadScheduler.parallelism=2",
                "-Djdk.virtualThreadScheduler.maxPoolSize=2"), DEADLINE_SECONDS, "rounds done",
                "the writers did not finish on two carriers (waiters holding every carrier while the segment's"
                        + " holder waits for one?)", dir.resolve("child.log"));
    }

    /**
     * The scenario, in a JVM whose virtual-thread scheduler has two carriers. Each round: a virtual
     * thread takes key 7's segment and, inside its write (its value's encode), sleeps for 100 ms or
     * blocks on a monitor that another virtual thread holds for 100 ms, both of which unmount it; eight
     * virtual threads meanwhile write key 7 a thousand times each.
     */
    static final class Child {
        /** Values whose encode sleeps for 100 ms, or waits for {@link #MONITOR}. */
        private static final String SLEEP = "sleep";
        private static final String HOLD_MONITOR = "monitor";
        private static final Object MONITOR = new Object();

        public static void main(String[] args) throws Exception {
            long start = System.nanoTime();
            try (OffHeapMap<Long, String> map = OffHeapMap.of(Codecs.longs(), new HookedUtf8Codec(Child::holdBy))
                    .concurrency(Concurrency.CONCURRENT).open()) {
                for (String holdBy : List.of(SLEEP, HOLD_MONITOR)) {
                    for (int round = 0; round < 3; round++) {
                        round(map, holdBy);
                        System.out.println(holdBy + " round " + round + " at "
                                + (System.nanoTime() - start) / 1_000_000 + " ms");
                    }
                }
                if (!map.verify().problems().isEmpty()) {
                    throw new AssertionError("store damaged: " + map.verify().problems());
                }
            }
            System.out.println("rounds done");
        }

        private static void round(OffHeapMap<Long, String> map, String holdBy) throws InterruptedException {
            Thread monitorOwner = null;
            if (holdBy.equals(HOLD_MONITOR)) {
                CountDownLatch owned = new CountDownLatch(1);
                monitorOwner = Thread.ofVirtual().start(() -> {
                    synchronized (MONITOR) {
                        owned.countDown();
                        sleep(100);
                    }
                });
                owned.await();
            }
            Thread holder = Thread.ofVirtual().start(() -> map.put(7L, holdBy));
            // Let the holder take the segment before the writers come (it then sleeps or blocks).
            Thread.sleep(5);
            Thread[] writers = new Thread[8];
            for (int i = 0; i < writers.length; i++) {
                writers[i] = Thread.ofVirtual().start(() -> {
                    for (int j = 0; j < 1000; j++) {
                        map.put(7L, "w" + j);
                    }
                });
            }
            holder.join();
            for (Thread w : writers) {
                w.join();
            }
            if (monitorOwner != null) {
                monitorOwner.join();
            }
        }

        /** The codec's hook: a write of {@link #SLEEP} or {@link #HOLD_MONITOR} is descheduled inside. */
        static void holdBy(String value) {
            if (value.equals(SLEEP)) {
                sleep(100);
            } else if (value.equals(HOLD_MONITOR)) {
                synchronized (MONITOR) {
                    // entered only once the monitor's owner has left it
                    Thread.onSpinWait();
                }
            }
        }

        static void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private Child() {
        }
    }
}

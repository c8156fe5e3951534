package io.hmapstore.bench;

import io.hmapstore.bench.subjects.Handle;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * A thread's handle on {@link PeerState}'s subject and its position in the key streams. Threads start
 * at evenly spaced positions so two threads do not visit the same keys in step (which would let one
 * bring the other's cache lines in). The handle lives one iteration: an LMDB thread holding a write
 * transaction at the end of an iteration commits it in the tear-down, so the other thread is not left
 * waiting for the write lock.
 */
@State(Scope.Thread)
public class Ops {

    /** This thread's handle. */
    public Handle handle;
    private PeerState state;
    private int position;
    private int mask;
    private int threadIndex;

    /**
     * @param s the subject and keys
     * @param bench the run's thread count
     * @param thread this thread's index
     */
    @Setup(Level.Trial)
    public void start(PeerState s, BenchmarkParams bench, ThreadParams thread) {
        state = s;
        threadIndex = thread.getThreadIndex();
        mask = s.keys.mask;
        position = (int) ((long) (mask + 1) * thread.getThreadIndex() / bench.getThreads());
    }

    /**
     * Opens this iteration's handle, on this thread's CPU if the fork was given {@code -Dhmapstore.bench.pin}
     * ({@link ThreadPin}; at every iteration, since JMH may run an iteration on a new thread).
     */
    @Setup(Level.Iteration)
    public void open() {
        ThreadPin.pinFromProperty(threadIndex);
        handle = state.store.handle();
    }

    /** Ends this iteration's transactions. */
    @TearDown(Level.Iteration)
    public void close() {
        handle.close();
    }

    /** @return the next stream position */
    public int next() {
        int i = position;
        position = (i + 1) & mask;
        return i;
    }
}

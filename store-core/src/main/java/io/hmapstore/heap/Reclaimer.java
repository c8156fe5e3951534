package io.hmapstore.heap;

import java.util.Arrays;

/**
 * Holds retired blocks until no reader can see them, then frees them into the {@link EntryHeap}
 * (which hands whole pages to the release policy).
 *
 * <p>Implementation notes. Blocks are queued in retirement order, each tagged with the epoch it was
 * retired in; epochs only grow, so the queue is sorted by tag and reclamation frees a prefix. A block
 * retired in epoch {@code e} is freed once the epoch has reached {@code e + 2}: by then every reader
 * that entered at {@code e} or before has left ({@link ReaderEpochs}). Reclamation is attempted every
 * {@link #BATCH} retirements, so a writer pays for it in amortised O(1).
 */
public final class Reclaimer {
    private static final int BATCH = 64;

    private final ReaderEpochs epochs;
    private final EntryHeap heap;
    private long[] offsets = new long[256];
    private long[] tags = new long[256];
    private int head;
    private int tail;
    private int sinceAttempt;

    public Reclaimer(ReaderEpochs epochs, EntryHeap heap) {
        this.epochs = epochs;
        this.heap = heap;
    }

    synchronized void retire(long payload) {
        if (tail == offsets.length) {
            compact();
        }
        offsets[tail] = payload;
        tags[tail] = epochs.current();
        tail++;
        if (++sinceAttempt >= BATCH) {
            sinceAttempt = 0;
            reclaim();
        }
    }

    /** Frees what no reader can see any more. */
    synchronized void reclaim() {
        epochs.tryAdvance();
        long safe = epochs.current() - 2;
        while (head < tail && tags[head] <= safe) {
            heap.free(offsets[head++]);
        }
    }

    /**
     * {@link #reclaim} until what was retired up to now is freed or a reader holds it: three epoch
     * advances, the most a block retired in the current epoch needs.
     */
    synchronized void reclaimAll() {
        for (int i = 0; i < 3 && head < tail; i++) {
            reclaim();
        }
    }

    /** Forgets every pending block: the heap is being reset wholesale, after the readers have drained. */
    synchronized void drop() {
        head = 0;
        tail = 0;
    }

    private void compact() {
        int live = tail - head;
        if (live * 2 > offsets.length) {
            offsets = Arrays.copyOf(offsets, offsets.length * 2);
            tags = Arrays.copyOf(tags, tags.length * 2);
        }
        System.arraycopy(offsets, head, offsets, 0, live);
        System.arraycopy(tags, head, tags, 0, live);
        head = 0;
        tail = live;
    }
}

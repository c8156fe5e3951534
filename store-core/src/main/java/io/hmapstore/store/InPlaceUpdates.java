package io.hmapstore.store;

import io.hmapstore.heap.Backoff;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The concurrent mode's in-place updates: a put that replaces the 8-byte inline value of a present key
 * (long to long) without taking its segment's lock. Such a write changes one aligned word, which a
 * lock-free reader sees whole, old or new, so it need not send readers round by changing the stamp; it
 * must only keep out the segment's lock holders, which move, free and reuse slots. It does so through a
 * cell of its own instead of the segment's stamp: with two writers on random keys, the stamp's line was
 * last written by the other core on half the writes, and each write waited for it to come across.
 *
 * <p>The protocol is Dekker's. An updater claims its cell with a CAS to {@code seg + 1}, then reads the
 * segment's stamp; a lock holder makes the stamp odd with a CAS, then reads every cell and waits for
 * those that name its segment to clear ({@link #drain}). Both pairs are volatile accesses, so at least
 * one side sees the other: either the updater sees the odd stamp and backs out to the lock, or the lock
 * holder sees the cell and waits. An updater's section is one lookup and one store; it runs no user code
 * and cannot block, so a lock holder waits for it as briefly as for a lock.
 *
 * <pre>
 *   long index   0                1            2 ... 15     16        ...
 *               +----------------+------------+----------+---------+
 *               | cell 0: seg+1  | cell 0:    | (unused) | cell 1  |  ...   128 bytes a cell
 *               | or 0 (free)    | puts made  |          |         |
 *               +----------------+------------+----------+---------+
 * </pre>
 *
 * <p>A thread's cell is its id modulo the cell count (the power of two at or above four per processor,
 * at most {@value #MAX_CELLS}, since a lock holder reads every cell), so threads made one after another
 * (a pool's workers) get cells of their own; a thread whose cell is taken takes the lock instead. The
 * puts an updater makes are counted in its cell, which only the cell's holder writes, so counting costs
 * no atomic operation either. The claim's CAS is still a full fence, so the lookup after it loads all
 * three lines of the key's bucket at once ({@code HashTable.findInlineLongToUpdate}) rather than miss
 * on one after another. Two writers still do less than twice one's work (benchmarks/README.md).
 */
final class InPlaceUpdates {
    /** Longs from one cell to the next: 128 bytes, so two cells share no line or adjacent-line pair. */
    private static final int STRIDE = 16;
    /** Offset in a cell of its count of puts. */
    private static final int PUTS = 1;
    /** At most this many cells: a lock holder reads each of them. */
    private static final int MAX_CELLS = 64;
    private static final VarHandle CELL = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] cells;
    private final int mask;

    InPlaceUpdates(int processors) {
        int count = Math.min(MAX_CELLS, Integer.highestOneBit(Math.max(1, processors) * 4 - 1) << 1);
        this.cells = new long[count * STRIDE];
        this.mask = count - 1;
    }

    /**
     * Claims the current thread's cell for an update in segment {@code seg}; the caller then checks
     * that the segment's stamp is even, and leaves by {@link #exit} either way.
     *
     * @return the cell, or -1 when another thread holds it
     */
    int enter(int seg) {
        int cell = (int) (Thread.currentThread().threadId() & mask) * STRIDE;
        return CELL.compareAndSet(cells, cell, 0L, seg + 1L) ? cell : -1;
    }

    /** Gives the cell back (a release store: the update is seen before it), counting a put if one was made. */
    void exit(int cell, boolean put) {
        if (put) {
            cells[cell + PUTS]++;
        }
        CELL.setRelease(cells, cell, 0L);
    }

    /**
     * Waits until no updater is inside segment {@code seg}; the caller has just made the segment's stamp
     * odd, so no new one enters it. As the lock's own wait, it does not end on an interrupt, which it
     * keeps and sets again when it is done.
     */
    void drain(int seg) {
        long inside = seg + 1L;
        boolean interrupted = false;
        for (int cell = 0; cell < cells.length; cell += STRIDE) {
            long park = Backoff.MIN_PARK_NANOS;
            for (int step = 0; (long) CELL.getVolatile(cells, cell) == inside; step++) {
                park = Backoff.pause(step, park, this);
                interrupted |= Thread.interrupted();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The puts made in place, read racily, as statistics may be. */
    long puts() {
        long sum = 0;
        for (int cell = 0; cell < cells.length; cell += STRIDE) {
            sum += cells[cell + PUTS];
        }
        return sum;
    }
}

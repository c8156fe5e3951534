package io.hmapstore.heap;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Which readers might still see memory that writers have retired: epoch-based reclamation.
 *
 * <p>Implementation notes. A global epoch advances only when no reader of the epoch before the
 * current one remains, so readers are always in at most two consecutive epochs and two reader counts
 * (by epoch parity) suffice, each striped over padded cells so readers on different cores do not
 * share a cache line. A reader announces itself by incrementing its cell for the epoch it read, then
 * reads the epoch again: if it moved, the reader backs out and retries before touching the store, so a
 * reclaimer that saw the count at zero is never wrong (the Dekker pattern over volatile accesses).
 * Memory retired while the epoch was {@code e} can be seen only by readers that entered at {@code e}
 * or earlier; once the epoch has advanced twice past it, none remains ({@link Reclaimer}). See
 * K. Fraser, "Practical lock-freedom" (2004), and the quiescent-state scheme of McKenney's RCU.
 */
public final class ReaderEpochs {
    private static final int STRIPES = 16;
    /** Longs per cell: a 64-byte cache line, so stripes do not false-share. */
    private static final int PAD = 8;

    private final AtomicLong epoch = new AtomicLong(2);
    private final AtomicLongArray counts = new AtomicLongArray(2 * STRIPES * PAD);

    /**
     * Enters a read section.
     *
     * @return the token to pass to {@link #exit}
     */
    public int enter() {
        int stripe = (int) (Thread.currentThread().threadId() & (STRIPES - 1));
        while (true) {
            long e = epoch.get();
            int cell = cell(e, stripe);
            counts.getAndIncrement(cell);
            if (epoch.get() == e) {
                return cell;
            }
            counts.getAndDecrement(cell);
        }
    }

    /** Leaves the read section {@code token} came from. */
    public void exit(int token) {
        counts.getAndDecrement(token);
    }

    long current() {
        return epoch.get();
    }

    /**
     * Advances the epoch if every reader of the previous one has left.
     *
     * @return whether it advanced
     */
    synchronized boolean tryAdvance() {
        long e = epoch.get();
        if (readers(e - 1) != 0) {
            return false;
        }
        epoch.set(e + 1);
        return true;
    }

    /**
     * Waits until every reader that entered before this call has left (RCU's synchronize). A reader
     * may be descheduled inside its section (a virtual thread unmounted in a codec's decode), so the
     * wait spins only briefly and then parks ({@link Backoff}): spinning kept the carrier that reader
     * needed ({@code EpochsVirtualThreadsTest}).
     */
    public void synchronize() {
        long target = epoch.get() + 2;
        boolean interrupted = false;
        long park = Backoff.MIN_PARK_NANOS;
        try {
            for (int step = 0; epoch.get() < target; step++) {
                if (!tryAdvance()) {
                    park = Backoff.pause(step, park, this);
                    interrupted |= Thread.interrupted();
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private long readers(long e) {
        long sum = 0;
        for (int s = 0; s < STRIPES; s++) {
            sum += counts.get(cell(e, s));
        }
        return sum;
    }

    private static int cell(long e, int stripe) {
        return (int) (((e & 1) * STRIPES + stripe) * PAD);
    }
}

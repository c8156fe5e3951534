package io.hmapstore.store;

import io.hmapstore.heap.EntryHeap;
import io.hmapstore.table.EntryMoves;
import io.hmapstore.table.HashTable;

/**
 * When and how much a store compacts its entry heap: a run chooses the sparse slabs
 * ({@link EntryHeap#planCompaction}), then every segment's chains are walked and what lies in those slabs
 * is moved out ({@link EntryMoves}); each slab goes to the release policy when its last block leaves.
 *
 * <p>Implementation notes. Like evacuation, the work is incremental: once a free leaves the slabs at least
 * half empty ({@link EntryHeap#compactionWanted}), every write walks {@link #CHAINS_PER_WRITE} chains of
 * the segment it holds, so a write pays a bounded amount while a run is under way and nothing once it is
 * done. A run ends when every segment's walk has reached its end; a segment that sees no write holds its
 * run open until {@link #compactAll} (the store's {@code compact()} and {@code cleanUp()}), which walks
 * every segment in turn, {@value #WALK_SLICE} chains per hold of its write lock, so that the segment's
 * writers wait for one slice at most rather than for the walk of the whole segment. A run chooses the
 * slabs at most half in use, so a byte moved frees at least a byte; an explicit {@code compact()} takes
 * those at most three quarters in use.
 *
 * <p>Thread safety: a segment's cursor is touched only under that segment's write lock; starting and
 * ending a run are synchronized on this object, which is taken before the heap's lock, never after.
 */
final class Compaction {
    /** The chains a write walks while a run is under way: its bounded share of the work. */
    static final int CHAINS_PER_WRITE = 4;
    /** The chains {@link #compactAll} walks per hold of a segment's write lock. */
    static final int WALK_SLICE = 256;
    private static final double INCREMENTAL_OCCUPANCY = 0.5;
    private static final double EXPLICIT_OCCUPANCY = 0.75;

    private final HashTable table;
    private final EntryHeap heap;
    private final SegmentAccess access;
    private final EntryMoves moves;
    /** Where each segment's walk stands, in the run {@link #runOf} says. */
    private final long[] cursor;
    private final int[] runOf;
    private volatile boolean active;
    private volatile int run;
    private int segmentsDone;
    private long runs;
    private StoreEvents.Compact event;
    private long movedAtStart;
    private long blocksAtStart;

    Compaction(HashTable table, EntryHeap heap, SegmentAccess access) {
        this.table = table;
        this.heap = heap;
        this.access = access;
        this.moves = new EntryMoves(table);
        this.cursor = new long[table.segments];
        this.runOf = new int[table.segments];
    }

    /** Whether {@link #afterWrite} would do nothing: no run under way and none wanted. */
    boolean idle() {
        return !active && !heap.compactionWanted();
    }

    /** A write's share of a run, with segment {@code seg} held for writing. */
    void afterWrite(int seg) {
        if (idle() || !active && !start(INCREMENTAL_OCCUPANCY, false)) {
            return;
        }
        advance(seg, CHAINS_PER_WRITE);
    }

    /**
     * A whole run now: the store's {@code compact()} (which plans one even when no write asked for it) and
     * {@code cleanUp()} (which finishes the run under way, or one the slabs ask for).
     */
    void compactAll(boolean explicit) {
        if (active) {
            walkAll();
        }
        // Blocks retired but not yet freed count as in use: free what readers have left first, so the plan
        // sees the slabs as sparse as they are. cleanUp() asks the fragmentation itself, not the writes' flag,
        // which a plan that found nothing holds down for a while.
        heap.reclaimRetired();
        if (explicit ? start(EXPLICIT_OCCUPANCY, true)
                : heap.fragmentation() >= INCREMENTAL_OCCUPANCY && start(INCREMENTAL_OCCUPANCY, false)) {
            walkAll();
        }
    }

    /** Walks every segment to the end of the run under way, a slice at a time; stops if the run ends. */
    private void walkAll() {
        int r = run;
        for (int s = 0; s < table.segments; s++) {
            boolean walked = false;
            while (!walked && active && run == r) {
                long stamp = access.enterWrite(s);
                try {
                    // A growth under way would hold the walk back: finish it first.
                    table.finishGrowth(s);
                    walked = advance(s, WALK_SLICE);
                } finally {
                    access.exitWrite(s, stamp);
                }
            }
        }
    }

    /** @return whether segment {@code seg}'s walk of the run under way has reached its end */
    private boolean advance(int seg, long chains) {
        int r = run;
        if (runOf[seg] != r) {
            runOf[seg] = r;
            cursor[seg] = 0;
        } else if (cursor[seg] == EntryMoves.DONE) {
            return true;
        }
        long next = moves.step(seg, cursor[seg], chains);
        cursor[seg] = next;
        if (next == EntryMoves.DONE) {
            segmentDone(r);
            return true;
        }
        return false;
    }

    private synchronized boolean start(double maxOccupancy, boolean explicit) {
        if (active) {
            return true;
        }
        double before = heap.fragmentation();
        long[] plan = heap.planCompaction(maxOccupancy);
        if (plan[0] == 0) {
            return false;
        }
        event = new StoreEvents.Compact();
        event.begin();
        event.explicit = explicit;
        event.slabs = plan[0];
        event.plannedBytes = plan[1];
        event.fragmentationBefore = before;
        movedAtStart = moves.movedBytes();
        blocksAtStart = moves.movedBlocks();
        segmentsDone = 0;
        run++;
        active = true;
        return true;
    }

    private synchronized void segmentDone(int r) {
        if (!active || r != run || ++segmentsDone < table.segments) {
            return;
        }
        // Old copies go back now rather than 64 retirements later, so their slabs are given back with them;
        // a slab that still holds something (a reader's epoch, a move a full store could not make) returns
        // to ordinary use.
        heap.reclaimRetired();
        heap.endCompaction();
        active = false;
        runs++;
        StoreEvents.Compact e = event;
        event = null;
        e.end();
        if (e.shouldCommit()) {
            e.movedBytes = moves.movedBytes() - movedAtStart;
            e.movedBlocks = moves.movedBlocks() - blocksAtStart;
            e.fragmentationAfter = heap.fragmentation();
            e.commit();
        }
    }

    /** @return bytes moved since the store opened, block headers included */
    long movedBytes() {
        return moves.movedBytes();
    }

    /** @return runs finished since the store opened */
    synchronized long runs() {
        return runs;
    }
}

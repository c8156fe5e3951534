package io.hmapstore.heap;

import java.util.Arrays;

/**
 * The slabs a compaction is emptying (its sources), with how many blocks of each are still in use, so
 * the last block freed hands its slab to the release policy at once.
 *
 * <p>Implementation notes. Sources are kept sorted by payload offset, so a freed block finds its slab
 * by binary search and nothing is boxed. A source's free blocks are off its class's free list for as
 * long as it is one, so no allocation lands in it: whatever it holds leaves it by a move or a delete,
 * never arrives. Writers ask "is this block in a source?" for every entry they walk, without the heap's
 * lock, through {@link #snapshot}: a sorted copy published by a volatile store whenever the set changes.
 * A stale snapshot can only name a slab that was given back since, whose offset a new slab may have
 * taken: a block of it is then moved for nothing, never missed.
 *
 * <p>Thread safety: the mutators run under {@link EntryHeap}'s lock; {@link #contains} reads the
 * published snapshot only.
 */
final class SlabEvacuation {
    private static final long[] NONE = new long[0];

    /** Sorted payload offsets of the sources, given back ones included until the next {@link #add}. */
    private long[] slabs = NONE;
    /** Blocks of each source still in use; -1 once given back. */
    private int[] live = new int[0];
    private int pending;
    /** The sources not yet given back, sorted: what lock-free callers search. */
    private volatile long[] snapshot = NONE;

    /** @return whether some source still holds a block */
    boolean active() {
        return pending > 0;
    }

    /** @return the index of {@code slab} among sources not yet given back, or -1 */
    int indexOf(long slab) {
        int i = Arrays.binarySearch(slabs, slab);
        return i >= 0 && live[i] >= 0 ? i : -1;
    }

    /** Lock-free: whether {@code slab} is a source (see the class notes for how stale it may be). */
    boolean contains(long slab) {
        long[] s = snapshot;
        return s.length != 0 && Arrays.binarySearch(s, slab) >= 0;
    }

    /**
     * Adds sources. The caller has taken their free blocks off the free lists.
     *
     * @param added payload offsets, any order, none a source already
     * @param inUse blocks in use in each
     */
    void add(long[] added, int[] inUse, int n) {
        int kept = 0;
        for (int live1 : live) {
            kept += live1 >= 0 ? 1 : 0;
        }
        long[] s = new long[kept + n];
        int[] l = new int[kept + n];
        int k = 0;
        for (int i = 0; i < slabs.length; i++) {
            if (live[i] >= 0) {
                s[k] = slabs[i];
                l[k++] = live[i];
            }
        }
        for (int i = 0; i < n; i++) {
            s[k] = added[i];
            l[k++] = inUse[i];
        }
        Integer[] order = new Integer[s.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(s[a], s[b]));
        slabs = new long[s.length];
        live = new int[s.length];
        for (int i = 0; i < order.length; i++) {
            slabs[i] = s[order[i]];
            live[i] = l[order[i]];
        }
        pending = s.length;
        publish();
    }

    /**
     * A block of source {@code i} was freed.
     *
     * @return whether it was the source's last: the caller gives the slab back and calls {@link #givenBack}
     */
    boolean freed(int i) {
        assert live[i] > 0 : "source slab 0x" + Long.toHexString(slabs[i]) + " freed a block it does not hold";
        return --live[i] == 0;
    }

    /** Source {@code i} went to the release policy (or back to ordinary use): it is a source no more. */
    void givenBack(int i) {
        live[i] = -1;
        pending--;
        publish();
    }

    /** @return the sources not yet given back */
    long[] pendingSlabs() {
        return snapshot.clone();
    }

    /** Forgets every source: the heap was reset, or is being rebuilt. */
    void forget() {
        slabs = NONE;
        live = new int[0];
        pending = 0;
        snapshot = NONE;
    }

    private void publish() {
        long[] s = new long[pending];
        int k = 0;
        for (int i = 0; i < slabs.length; i++) {
            if (live[i] >= 0) {
                s[k++] = slabs[i];
            }
        }
        snapshot = s;
    }
}

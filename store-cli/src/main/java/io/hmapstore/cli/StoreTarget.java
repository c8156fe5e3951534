package io.hmapstore.cli;

import io.hmapstore.OffHeapMap;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * A {@link ChurnTarget} over a {@code longs() -> utf8()} store, driven through its zero-allocation
 * {@code MemorySegment} paths: the harness measures RSS and tail latency, and boxing a key or
 * encoding a string per operation would add Java-heap growth and GC pauses to both.
 *
 * <p>Values come from a pool of {@value #VALUE_KINDS} pre-encoded strings of 16 to 136 bytes, picked
 * by key, so entries spread over several entry-heap size classes as real values would.
 */
final class StoreTarget implements ChurnTarget {

    /** How many distinct values there are; a power of two, picked by the key's low bits. */
    static final int VALUE_KINDS = 16;

    private final OffHeapMap<Long, String> store;
    private final LatencyRecorder recorder;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment key = arena.allocate(ValueLayout.JAVA_LONG_UNALIGNED);
    private final MemorySegment[] values = new MemorySegment[VALUE_KINDS];
    /** The live keys are {@code [oldest, next)}; keys are never reused, as a cache's keys rarely are. */
    private long oldest;
    private long next;
    private long missingRemoves;

    /**
     * @param store    a store with {@code Codecs.longs()} keys and {@code Codecs.utf8()} values
     * @param recorder where each {@code put} and {@code remove} is timed
     */
    StoreTarget(OffHeapMap<Long, String> store, LatencyRecorder recorder) {
        this.store = store;
        this.recorder = recorder;
        for (int i = 0; i < VALUE_KINDS; i++) {
            byte[] utf8 = ("value " + i + " ").repeat(2 + i).substring(0, 16 + 8 * i).getBytes(StandardCharsets.UTF_8);
            values[i] = arena.allocate(utf8.length);
            MemorySegment.copy(utf8, 0, values[i], ValueLayout.JAVA_BYTE, 0, utf8.length);
        }
    }

    @Override
    public void add() {
        long k = next++;
        // The same bytes Codecs.longs() encodes: a native-order long, JAVA_LONG_UNALIGNED.
        key.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, k);
        MemorySegment value = values[(int) (k & (VALUE_KINDS - 1))];
        long start = System.nanoTime();
        store.put(key, value);
        recorder.record(start);
    }

    @Override
    public void removeOldest() {
        if (oldest == next) {
            throw new IllegalStateException("removeOldest on an empty store: oldest = next = " + next);
        }
        key.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, oldest++);
        long start = System.nanoTime();
        boolean removed = store.remove(key);
        recorder.record(start);
        if (!removed) {
            missingRemoves++;
        }
    }

    /**
     * Keys that were put, never removed, and yet not found by {@code remove}: always 0 for a sound
     * store; with a guard off, one of the ways the hazard shows.
     *
     * @return how many such removes there were
     */
    long missingRemoves() {
        return missingRemoves;
    }

    @Override
    public void clear() {
        store.clear();
        oldest = next;
        recorder.released();
    }

    /** The table has just halved (if it was going to): the next operations touch what was released. */
    @Override
    public void removalsDone() {
        recorder.released();
    }

    @Override
    public long live() {
        return next - oldest;
    }

    /** Frees the key and value buffers (not the store, which the caller owns). */
    void close() {
        arena.close();
    }
}

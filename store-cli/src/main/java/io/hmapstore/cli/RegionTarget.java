package io.hmapstore.cli;

import io.hmapstore.memory.MappedRegion;
import io.hmapstore.memory.ReleasePolicy;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A {@link ChurnTarget} over a bare {@link MappedRegion}: entries are {@value #RECORD_BYTES}-byte
 * records in a ring of {@value #CHUNK_BYTES}-byte chunks (the store's slab size), and a chunk goes
 * back through the release policy as soon as its last record is removed; {@code clear} releases
 * the whole region. It stands in for a file-backed store until stores can be persisted, so the
 * file-only policy (PUNCH_HOLE) and the file semantics of the others (DONTNEED refaults the file's
 * bytes) are measured under the same workloads.
 *
 * <p>Reuse is handled as the store's allocator handles it: a record written into a chunk that was
 * released is zeroed first unless the policy {@linkplain ReleasePolicy#guaranteesZeros guarantees
 * zeros} (the ZERO_ON_REUSE guard, switchable off), and its non-zero bytes are then counted as
 * pollution, as {@code verifyReuse()} counts them in a store.
 */
final class RegionTarget implements ChurnTarget {

    /** Bytes per record: a key and a value of the size the store's small entries have. */
    static final int RECORD_BYTES = 64;
    /** Bytes per chunk, the unit of release: the store's slab size. */
    static final int CHUNK_BYTES = 64 * 1024;
    private static final int RECORDS_PER_CHUNK = CHUNK_BYTES / RECORD_BYTES;
    /** What a record's value bytes are filled with: every byte non-zero, so reuse shows in full. */
    private static final long FILL = 0x5A5A_5A5A_5A5A_5A5AL;

    private enum ChunkState { FRESH, IN_USE, RELEASED }

    private final MappedRegion region;
    private final ReleasePolicy policy;
    private final boolean zeroBeforeReuse;
    private final LatencyRecorder recorder;
    private final long capacity;
    private final int[] chunkLive;
    private final ChunkState[] chunkState;
    private final boolean[] chunkReused;
    private long oldest;
    private long next;
    private long pollutionBytes;
    private long releaseNanos;
    private long releasedBytes;

    /**
     * @param region      a region of at least {@link #regionBytes(long) regionBytes(maxLive)}, every page
     *                    mapped read-write
     * @param policy      how emptied chunks are given back; must apply to the region
     * @param zeroOnReuse the ZERO_ON_REUSE guard: zero reused records unless the policy guarantees zeros
     * @param recorder    where each add and remove is timed
     */
    RegionTarget(MappedRegion region, ReleasePolicy policy, boolean zeroOnReuse, LatencyRecorder recorder) {
        if (!policy.appliesTo(region.isFileBacked())) {
            throw new IllegalArgumentException("release policy " + policy + " does not apply to " + region);
        }
        this.region = region;
        this.policy = policy;
        this.zeroBeforeReuse = zeroOnReuse && !policy.guaranteesZeros(region.isFileBacked());
        this.recorder = recorder;
        int chunks = (int) (region.size() / CHUNK_BYTES);
        this.capacity = (long) chunks * RECORDS_PER_CHUNK;
        this.chunkLive = new int[chunks];
        this.chunkState = new ChunkState[chunks];
        java.util.Arrays.fill(chunkState, ChunkState.FRESH);
        this.chunkReused = new boolean[chunks];
    }

    /**
     * The region size that holds {@code maxLive} records: whole chunks, plus one so the ring's
     * write position never enters a chunk that still holds live records ({@link #add} checks it).
     * No more than that, so a churn of {@code maxLive} wraps around and reuses released chunks.
     *
     * @param maxLive the most records live at once
     * @return bytes, a multiple of {@link #CHUNK_BYTES}
     */
    static long regionBytes(long maxLive) {
        return ((maxLive + RECORDS_PER_CHUNK - 1) / RECORDS_PER_CHUNK + 1) * CHUNK_BYTES;
    }

    @Override
    public void add() {
        if (live() + RECORDS_PER_CHUNK >= capacity) {
            throw new IllegalStateException("region holds " + capacity + " records; " + live()
                    + " are live and the ring needs a chunk (" + RECORDS_PER_CHUNK + ") free");
        }
        long seq = next++;
        long slot = seq % capacity;
        int chunk = (int) (slot / RECORDS_PER_CHUNK);
        if (chunkState[chunk] != ChunkState.IN_USE) {
            chunkReused[chunk] = chunkState[chunk] == ChunkState.RELEASED;
            chunkState[chunk] = ChunkState.IN_USE;
        }
        long offset = slot * RECORD_BYTES;
        MemorySegment m = region.segment();
        long start = System.nanoTime();
        if (chunkReused[chunk]) {
            if (zeroBeforeReuse) {
                fill(m, offset, 0L);
            }
            pollutionBytes += nonZeroBytes(m, offset);
        }
        fill(m, offset, FILL);
        m.set(ValueLayout.JAVA_LONG_UNALIGNED, offset, seq);
        recorder.record(start);
        chunkLive[chunk]++;
    }

    @Override
    public void removeOldest() {
        if (oldest == next) {
            throw new IllegalStateException("removeOldest on an empty region: oldest = next = " + next);
        }
        long slot = oldest++ % capacity;
        int chunk = (int) (slot / RECORDS_PER_CHUNK);
        long start = System.nanoTime();
        // The chunk the next add writes into stays: releasing it would drop a half-written slab.
        if (--chunkLive[chunk] == 0 && chunk != (next % capacity) / RECORDS_PER_CHUNK) {
            release((long) chunk * CHUNK_BYTES, CHUNK_BYTES);
            chunkState[chunk] = ChunkState.RELEASED;
        }
        recorder.record(start);
    }

    @Override
    public void clear() {
        release(0, region.size());
        for (int c = 0; c < chunkState.length; c++) {
            chunkLive[c] = 0;
            if (chunkState[c] != ChunkState.FRESH) {
                chunkState[c] = ChunkState.RELEASED;
            }
        }
        oldest = next;
        recorder.released();
    }

    @Override
    public void removalsDone() {
        recorder.released();
    }

    @Override
    public long live() {
        return next - oldest;
    }

    /** @return non-zero bytes found in reused records before they were written (0 while guarded) */
    long pollutionBytes() {
        return pollutionBytes;
    }

    /** @return nanoseconds spent inside {@link MappedRegion#release} */
    long releaseNanos() {
        return releaseNanos;
    }

    /** @return bytes handed to the release policy (none for KEEP, as the store counts them) */
    long releasedBytes() {
        return releasedBytes;
    }

    private void release(long offset, long length) {
        if (policy == ReleasePolicy.KEEP) {
            return;
        }
        long start = System.nanoTime();
        region.release(offset, length, policy);
        releaseNanos += System.nanoTime() - start;
        releasedBytes += length;
    }

    /** Writes a record's worth of {@code word}s without making a slice, so adds allocate nothing. */
    private static void fill(MemorySegment m, long offset, long word) {
        for (int i = 0; i < RECORD_BYTES; i += Long.BYTES) {
            m.set(ValueLayout.JAVA_LONG_UNALIGNED, offset + i, word);
        }
    }

    private static int nonZeroBytes(MemorySegment m, long offset) {
        int n = 0;
        for (int i = 0; i < RECORD_BYTES; i += Long.BYTES) {
            long w = m.get(ValueLayout.JAVA_LONG_UNALIGNED, offset + i);
            for (int b = 0; b < Long.BYTES; b++, w >>>= 8) {
                n += (w & 0xFF) != 0 ? 1 : 0;
            }
        }
        return n;
    }
}

package io.hmapstore.heap;

import io.hmapstore.memory.MappedRegion;
import io.hmapstore.memory.NativeCallException;
import io.hmapstore.memory.ReleasePolicy;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.EnumMap;
import java.util.Map;

/**
 * Where the entry heap meets its {@link ReleasePolicy}: freed memory goes to the policy (timed,
 * counted and recorded as a JFR {@code Release} event), and memory handed out again is zeroed unless
 * the policy guarantees zeros or the {@code ZERO_ON_REUSE} guard is off, and, in checking mode, its
 * non-zero bytes are counted as it is handed out: the pollution hazard of Go's {@code madvdontneed=0}
 * and {@code MADV_FREE}, made visible.
 *
 * <p>Thread safety: none of its own; only {@link EntryHeap}'s synchronized methods call it.
 */
final class ReleaseAndReuse {
    private final MappedRegion region;
    private final ReleasePolicy policy;
    /** Whether what the policy releases reads as zeros afterwards, so reuse need not zero it. */
    final boolean policyZeroes;
    /** The ZERO_ON_REUSE guard. */
    final boolean zeroOnReuse;
    /** Checking mode: count the non-zero bytes of every reused block as it is handed out. */
    private final boolean verifyReuse;
    private long reusedNonZeroBytes;
    private long releaseNanos;
    private final EnumMap<ReleasePolicy, Long> releasedBytes = new EnumMap<>(ReleasePolicy.class);

    ReleaseAndReuse(MappedRegion region, ReleasePolicy policy, boolean zeroOnReuse, boolean verifyReuse) {
        this.region = region;
        this.policy = policy;
        this.policyZeroes = policy.guaranteesZeros(region.isFileBacked());
        this.zeroOnReuse = zeroOnReuse;
        this.verifyReuse = verifyReuse;
    }

    /** Hands {@code [offset, offset + bytes)} to the policy (KEEP: nothing). */
    void release(long offset, long bytes) {
        if (policy == ReleasePolicy.KEEP) {
            return;
        }
        HeapEvents.Release event = new HeapEvents.Release();
        event.begin();
        long start = System.nanoTime();
        try {
            region.release(offset, bytes, policy);
        } catch (NativeCallException e) {
            throw NativeFailure.of("cannot release " + bytes + " bytes at offset " + offset + " with " + policy, e);
        }
        releaseNanos += System.nanoTime() - start;
        releasedBytes.merge(policy, bytes, Long::sum);
        if (event.shouldCommit()) {
            event.offset = offset;
            event.bytes = bytes;
            event.policy = policy.name();
            event.commit();
        }
    }

    /** Readies memory that may hold old bytes for reuse: zeroed unless ZERO_ON_REUSE is off, then checked. */
    void prepare(MemorySegment m, long offset, long length) {
        if (zeroOnReuse) {
            zero(m, offset, length);
        }
        check(m, offset, length);
    }

    /** Counts what reused memory still holds when it is handed out: 0 unless ZERO_ON_REUSE is off. */
    void check(MemorySegment m, long offset, long length) {
        if (!verifyReuse || length <= 0) {
            return;
        }
        long i = 0;
        for (; i + Long.BYTES <= length; i += Long.BYTES) {
            long w = m.get(ValueLayout.JAVA_LONG_UNALIGNED, offset + i);
            if (w != 0) {
                for (int b = 0; b < Long.BYTES; b++, w >>>= 8) {
                    reusedNonZeroBytes += (w & 0xFF) != 0 ? 1 : 0;
                }
            }
        }
        for (; i < length; i++) {
            reusedNonZeroBytes += m.get(ValueLayout.JAVA_BYTE, offset + i) != 0 ? 1 : 0;
        }
    }

    /**
     * Zeroes {@code [offset, offset + length)} without making a slice, so hot paths allocate nothing.
     */
    static void zero(MemorySegment m, long offset, long length) {
        if (length > 512) {
            m.asSlice(offset, length).fill((byte) 0);
            return;
        }
        long i = 0;
        for (; i + Long.BYTES <= length; i += Long.BYTES) {
            m.set(ValueLayout.JAVA_LONG_UNALIGNED, offset + i, 0L);
        }
        for (; i < length; i++) {
            m.set(ValueLayout.JAVA_BYTE, offset + i, (byte) 0);
        }
    }

    long releaseNanos() {
        return releaseNanos;
    }

    long reusedNonZeroBytes() {
        return reusedNonZeroBytes;
    }

    Map<ReleasePolicy, Long> releasedBytes() {
        return new EnumMap<>(releasedBytes);
    }
}

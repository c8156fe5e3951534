package io.hmapstore.cli;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A known non-zero pattern written to every page, and a reader that tells, page by page, whether
 * memory still holds it, reads as zeros, or holds something else. Each page carries its own index
 * so a page that came back from the wrong place does not pass for the old bytes.
 */
final class PagePattern {

    private static final byte FILL = (byte) 0xA5;
    private static final long TAG = 0xA5A5_0000_0000_0000L;

    private final long pageSize;

    PagePattern(long pageSize) {
        this.pageSize = pageSize;
    }

    /** How many pages read as zeros, as the pattern, or as neither. */
    record Counts(long zeros, long old, long other) {

        long pages() {
            return zeros + old + other;
        }

        /** {@code "zeros"}, {@code "old bytes"}, or {@code "mixed: N% zeros"} (with {@code ", M% other"} if any). */
        String describe() {
            if (zeros == pages()) {
                return "zeros";
            }
            if (old == pages()) {
                return "old bytes";
            }
            String mixed = "mixed: " + zeros * 100 / pages() + "% zeros";
            return other == 0 ? mixed : mixed + ", " + other * 100 / pages() + "% other";
        }
    }

    /** Fills every page of {@code segment} with the pattern. */
    void write(MemorySegment segment) {
        segment.fill(FILL);
        for (long page = 0; page < segment.byteSize() / pageSize; page++) {
            segment.set(ValueLayout.JAVA_LONG_UNALIGNED, page * pageSize, TAG | page);
        }
    }

    /** Reads every page; this faults released pages back in, so measure residency first. */
    Counts classify(MemorySegment segment) {
        long zeros = 0;
        long old = 0;
        long other = 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment zeroPage = arena.allocate(pageSize);
            MemorySegment fillTail = arena.allocate(pageSize - 8).fill(FILL);
            for (long page = 0; page < segment.byteSize() / pageSize; page++) {
                MemorySegment p = segment.asSlice(page * pageSize, pageSize);
                if (p.mismatch(zeroPage) == -1) {
                    zeros++;
                } else if (p.get(ValueLayout.JAVA_LONG_UNALIGNED, 0) == (TAG | page)
                        && p.asSlice(8).mismatch(fillTail) == -1) {
                    old++;
                } else {
                    other++;
                }
            }
        }
        return new Counts(zeros, old, other);
    }
}

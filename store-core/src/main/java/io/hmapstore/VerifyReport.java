package io.hmapstore;

import java.util.List;

/**
 * The result of {@link OffHeapMap#verify()}, a full check in the manner of {@code fsck}.
 *
 * @param entriesChecked entries reached and checked
 * @param bucketsChecked buckets (primary and overflow) checked
 * @param problems every problem found; empty when the store is sound
 */
public record VerifyReport(long entriesChecked, long bucketsChecked, List<Problem> problems) {

    /**
     * One problem.
     *
     * @param segment the segment, or -1 for the store as a whole
     * @param bucket the bucket index in its array, or -1
     * @param offset the region offset where it was found, or -1
     * @param expected what should have been there
     * @param found what was there
     */
    public record Problem(int segment, long bucket, long offset, String expected, String found) {
        @Override
        public String toString() {
            return "segment " + segment + ", bucket " + bucket + ", offset 0x" + Long.toHexString(offset)
                    + ": expected " + expected + ", found " + found;
        }
    }

    /** Copies the problem list. */
    public VerifyReport {
        problems = List.copyOf(problems);
    }

    /** @return whether no problem was found */
    public boolean isClean() {
        return problems.isEmpty();
    }
}

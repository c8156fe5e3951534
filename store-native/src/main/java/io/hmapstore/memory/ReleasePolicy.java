package io.hmapstore.memory;

/**
 * How a {@link MappedRegion} gives memory back, and what the next reader of that memory sees.
 *
 * <p>The allocator above this layer zeroes memory before reuse unless the policy
 * {@linkplain #guaranteesZeros guarantees zeros}; reusing memory released by a policy that does not
 * is the hazard Go met with {@code madvdontneed=1} and {@code MADV_FREE}.
 *
 * <table>
 *   <caption>What a read returns after release (A: private anonymous, F: shared file mapping)</caption>
 *   <tr><th>policy</th><th>call</th><th>A</th><th>F</th></tr>
 *   <tr><td>KEEP</td><td>none</td><td>old bytes</td><td>old bytes</td></tr>
 *   <tr><td>ZERO</td><td>{@code MemorySegment.fill(0)}</td><td>zeros (resident)</td><td>zeros (resident)</td></tr>
 *   <tr><td>DONTNEED</td><td>{@code madvise(MADV_DONTNEED)}</td><td>zeros</td><td>the file's bytes</td></tr>
 *   <tr><td>FREE</td><td>{@code madvise(MADV_FREE)}</td><td>old bytes or zeros</td><td>refused</td></tr>
 *   <tr><td>PAGEOUT</td><td>{@code madvise(MADV_PAGEOUT)}</td><td>old bytes</td><td>old bytes</td></tr>
 *   <tr><td>COLD</td><td>{@code madvise(MADV_COLD)}</td><td>old bytes</td><td>old bytes</td></tr>
 *   <tr><td>PUNCH_HOLE</td><td>{@code fallocate(PUNCH_HOLE|KEEP_SIZE)}</td><td>refused</td><td>zeros, blocks freed</td></tr>
 *   <tr><td>UNMAP</td><td>{@code mmap(MAP_FIXED)} of a fresh mapping</td><td>zeros</td><td>the file's bytes</td></tr>
 * </table>
 */
public enum ReleasePolicy {
    /** Do nothing: the old bytes stay, resident. */
    KEEP,
    /** Overwrite with zeros from Java; the pages stay resident. */
    ZERO,
    /** {@code madvise(MADV_DONTNEED)}: drop the pages now. */
    DONTNEED,
    /** {@code madvise(MADV_FREE)}: let the kernel take the pages when it wants them (private anonymous only). */
    FREE,
    /** {@code madvise(MADV_PAGEOUT)}: reclaim now if the kernel can (swap or write-back); contents are kept. */
    PAGEOUT,
    /** {@code madvise(MADV_COLD)}: reclaim these first under pressure; contents are kept. */
    COLD,
    /** {@code fallocate(FALLOC_FL_PUNCH_HOLE|FALLOC_FL_KEEP_SIZE)}: free the file's blocks (file-backed only). */
    PUNCH_HOLE,
    /** Replace the range with a fresh mapping in one {@code mmap(MAP_FIXED)} call. */
    UNMAP;

    /**
     * Whether memory released with this policy reads as zeros afterwards, for this kind of mapping.
     * {@code false} means the reader may see the old bytes (or the file's bytes) and must zero
     * before reuse; for {@link #FREE} it may also see zeros, at the kernel's choice.
     *
     * @param fileBacked {@code true} for a shared file mapping, {@code false} for private anonymous memory
     * @return {@code true} only when zeros are guaranteed
     */
    public boolean guaranteesZeros(boolean fileBacked) {
        return switch (this) {
            case ZERO -> true;
            case DONTNEED, UNMAP -> !fileBacked;   // a shared file mapping refaults the file's bytes
            case PUNCH_HOLE -> fileBacked;         // a hole reads as zeros
            case KEEP, FREE, PAGEOUT, COLD -> false;
        };
    }

    /**
     * Whether the policy can be applied to this kind of mapping at all: {@link #PUNCH_HOLE} needs a
     * file, {@link #FREE} needs private anonymous memory ({@code MADV_FREE} fails with
     * {@code EINVAL} on a shared mapping).
     *
     * @param fileBacked {@code true} for a shared file mapping, {@code false} for private anonymous memory
     * @return {@code false} when {@link MappedRegion#release} refuses the policy for that kind of mapping
     */
    public boolean appliesTo(boolean fileBacked) {
        return switch (this) {
            case PUNCH_HOLE -> fileBacked;
            case FREE -> !fileBacked;
            case KEEP, ZERO, DONTNEED, PAGEOUT, COLD, UNMAP -> true;
        };
    }
}

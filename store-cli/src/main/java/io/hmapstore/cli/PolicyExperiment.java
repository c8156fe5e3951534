package io.hmapstore.cli;

import io.hmapstore.memory.MappedRegion;
import io.hmapstore.memory.ProcessMemory;
import io.hmapstore.memory.ReleasePolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One release experiment: on a fresh region, write the pattern to every page, measure residency
 * (mincore) and process RSS, release the whole region with one or more policies in turn, measure
 * again, then read every page back.
 *
 * <p>Residency is measured before the read-back because reading faults released pages back in.
 * For a file region residency is page-cache residency, which a process's own unmapping does not
 * change; RSS shows that instead.
 */
final class PolicyExperiment {

    /** The kind of memory an experiment runs on. */
    enum Backing {
        /** Private anonymous memory. */
        ANONYMOUS("anon"),
        /** A shared mapping of a temporary file. */
        FILE("file");

        private final String label;

        Backing(String label) {
            this.label = label;
        }

        String label() {
            return label;
        }

        boolean fileBacked() {
            return this == FILE;
        }
    }

    /**
     * What one experiment saw; for a policy that does not apply, only {@code readBack} says why and
     * the figures are {@code -1}.
     */
    record Result(Backing backing, String steps, String readBack, long residentBefore, long residentAfter,
                  long rssBefore, long rssAfter, long callNanos) {

        boolean applied() {
            return callNanos >= 0;
        }
    }

    private final long sizeBytes;
    private final Path directory;
    private final PagePattern pattern = new PagePattern(MappedRegion.pageSize());

    /**
     * @param sizeBytes the region size, a page multiple
     * @param directory where file-backed regions put their temporary file
     */
    PolicyExperiment(long sizeBytes, Path directory) {
        this.sizeBytes = sizeBytes;
        this.directory = directory;
    }

    /** Runs {@code steps} in order on a fresh region of {@code backing}. */
    Result run(Backing backing, List<ReleasePolicy> steps) throws IOException {
        String label = steps.stream().map(ReleasePolicy::name).collect(Collectors.joining("+"));
        for (ReleasePolicy step : steps) {
            if (!step.appliesTo(backing.fileBacked())) {
                String needs = backing.fileBacked() ? "n/a (needs anonymous memory)" : "n/a (needs a file)";
                return new Result(backing, label, needs, -1, -1, -1, -1, -1);
            }
        }
        Path file = directory.resolve("hmapstore-policies-" + ProcessHandle.current().pid() + ".map");
        Files.deleteIfExists(file);
        try (MappedRegion region = backing.fileBacked()
                ? MappedRegion.file(file, sizeBytes, sizeBytes)
                : MappedRegion.anonymous(sizeBytes, sizeBytes)) {
            pattern.write(region.segment());
            long residentBefore = region.residentBytes(0, sizeBytes);
            long rssBefore = ProcessMemory.snapshot().rssBytes();
            long nanos = 0;
            for (ReleasePolicy step : steps) {
                long start = System.nanoTime();
                region.release(0, sizeBytes, step);
                nanos += System.nanoTime() - start;
            }
            long residentAfter = region.residentBytes(0, sizeBytes);
            long rssAfter = ProcessMemory.snapshot().rssBytes();
            String readBack = pattern.classify(region.segment()).describe();
            return new Result(backing, label, readBack, residentBefore, residentAfter, rssBefore, rssAfter, nanos);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}

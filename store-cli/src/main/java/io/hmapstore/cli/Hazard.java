package io.hmapstore.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One hazard of the catalogue {@code hmapstore hazards} runs: a workload that, run on a fresh store
 * with its guard off, makes the hazard happen, and with the guard on shows what the guard did. The
 * same workload runs both times; only the guard differs, so the difference between the two rows is
 * the guard's doing. Every figure a trial reports is measured on that run.
 */
interface Hazard {

    /** @return what the hazard is called and which tests and example cover it */
    About about();

    /** @return the short name {@code --only} selects it by */
    default String name() {
        return about().name();
    }

    /**
     * Runs the workload once on a fresh store.
     *
     * @param guarded whether the hazard's guard is on
     * @param settings sizes and a scratch directory
     * @return what happened: whether the hazard showed, in words, and the figures behind the words
     * @throws Exception if the workload cannot run (a child JVM that does not start, a file that cannot be written)
     */
    Trial run(boolean guarded, Settings settings) throws Exception;

    /**
     * What a hazard is called and what covers it.
     *
     * @param name the short name {@code --only} selects it by, e.g. {@code reuse-free}
     * @param title what the hazard is, for the table, e.g. "reused memory still holding old bytes: FREE"
     * @param test the tests that cover it both ways
     * @param example the example a user can run to see it, or "-" where there is none
     * @param kernelDependent whether the guard-off half may honestly fail to produce the hazard, because
     *     the kernel decides (MADV_FREE reclaims lazily, or not at all without memory pressure); for the
     *     other hazards the workload produces it every time, and not seeing it means the workload is broken
     */
    record About(String name, String title, String test, String example, boolean kernelDependent) {
    }

    /**
     * One run's outcome.
     *
     * @param hazardShown whether the hazard happened: with the guard off the symptom was observed;
     *     with it on, the guard failed to prevent it
     * @param summary what happened, in words, with its figures
     * @param figures the figures, by name, for hazards.json
     */
    record Trial(boolean hazardShown, String summary, Map<String, Object> figures) {

        /** @return a trial where the hazard happened */
        static Trial shown(String summary, Map<String, Object> figures) {
            return new Trial(true, summary, figures);
        }

        /** @return a trial where the hazard did not happen */
        static Trial prevented(String summary, Map<String, Object> figures) {
            return new Trial(false, summary, figures);
        }

        /** @return figures in the order given: name, value, name, value, ... */
        static Map<String, Object> figures(Object... namesAndValues) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (int i = 0; i < namesAndValues.length; i += 2) {
                map.put((String) namesAndValues[i], namesAndValues[i + 1]);
            }
            return map;
        }
    }

    /**
     * How big the workloads are and where files go.
     *
     * @param quick a CI-sized run
     * @param directory where file stores are created (and removed)
     */
    record Settings(boolean quick, Path directory) {

        /** @return entries a memory-reuse workload stores before it clears */
        int reuseEntries() {
            return quick ? 5_000 : 20_000;
        }

        /** @return writes each of the two racing threads makes */
        int racingWrites() {
            return quick ? 20_000 : 50_000;
        }

        /** @return how long the concurrent-writes hazard keeps trying before it says it did not show */
        long raceMillis() {
            return quick ? 5_000 : 10_000;
        }

        /** @return how long the killed child writes before the kill, at the most */
        long childMillis() {
            return quick ? 300 : 1_000;
        }

        /**
         * Runs {@code work} on the path of a store file that does not exist yet (a store creates its
         * own), in {@link #directory()}, and removes the file afterwards, whatever happened.
         *
         * @param work what to do with the file
         * @return what {@code work} returned
         * @throws Exception what {@code work} threw
         */
        Trial onStoreFile(StoreFileWork work) throws Exception {
            Path file = Files.createTempFile(directory, "hmapstore-hazard-", ".hmap");
            try {
                Files.delete(file);
                return work.run(file);
            } finally {
                Files.deleteIfExists(file);
            }
        }
    }

    /** A trial's workload on a store file. */
    @FunctionalInterface
    interface StoreFileWork {
        /**
         * @param file the store file's path, absent until a store creates it
         * @return the trial's outcome
         * @throws Exception if the workload cannot run
         */
        Trial run(Path file) throws Exception;
    }
}

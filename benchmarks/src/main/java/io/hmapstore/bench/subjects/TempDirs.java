package io.hmapstore.bench.subjects;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Temporary directories for file-backed subjects and benchmarks (in {@code java.io.tmpdir}), removed with
 * their files.
 */
public final class TempDirs {

    private TempDirs() {
    }

    /**
     * @param prefix the directory name's start
     * @return a new empty directory
     */
    public static Path create(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory in "
                    + System.getProperty("java.io.tmpdir"), e);
        }
    }

    /**
     * Deletes {@code dir} and the files in it (not subdirectories).
     *
     * @param dir a directory {@link #create} made
     */
    public static void delete(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}

package io.hmapstore.cli;

import io.hmapstore.Concurrency;
import io.hmapstore.OffHeapMap;
import io.hmapstore.StoreException;
import io.hmapstore.StoreFileInfo;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Parameters;

/**
 * A subcommand that opens a store file it knows nothing about: its superblock says the codecs, and
 * {@link io.hmapstore.Codecs#raw} reads keys and values as raw bytes under those identities. A file
 * that cannot be opened (or read once open) ends the command with its {@link StoreException}'s
 * message and exit code {@value #EXIT_CANNOT_OPEN}.
 *
 * <p>Opening is a real open: it takes the file's lock, so it fails while another process has the
 * store open; it recovers a file that was not closed cleanly; and it writes the superblock's state
 * (dirty while open, clean after).
 */
abstract class StoreFileCommand extends NativeCommand {

    /** The exit code when the file cannot be read or opened as a store. */
    static final int EXIT_CANNOT_OPEN = 2;

    /** Address space reserved for the file at the least: a store file may grow to it while open. */
    private static final long MIN_RESERVE = 64L << 30;

    @Parameters(index = "0", paramLabel = "FILE", description = "The store file.")
    Path file;

    @Override
    final int run(PrintWriter out) {
        StoreFileInfo info;
        OffHeapMap<byte[], byte[]> store;
        try {
            info = StoreFileInfo.read(file);
            store = OffHeapMap.of(info.rawKeys(), info.rawValues()).persistTo(file)
                    .concurrency(Concurrency.SINGLE_WRITER)
                    .reserveBytes(Math.max(MIN_RESERVE, 2 * info.fileBytes()))
                    .open();
        } catch (StoreException e) {
            spec.commandLine().getErr().println("hmapstore " + spec.name() + ": " + e.getMessage());
            return EXIT_CANNOT_OPEN;
        }
        try (store) {
            return run(out, info, store);
        } catch (StoreException e) {
            spec.commandLine().getErr().println("hmapstore " + spec.name() + ": " + e.getMessage());
            return EXIT_CANNOT_OPEN;
        }
    }

    /**
     * Does the command's work on the opened store.
     *
     * @param info the superblock as it was before the store was opened (so {@code clean()} says
     *     whether this open had to recover the file)
     */
    abstract int run(PrintWriter out, StoreFileInfo info, OffHeapMap<byte[], byte[]> store);
}

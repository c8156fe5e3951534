package io.hmapstore.cli;

import io.hmapstore.StoreException;
import io.hmapstore.StoreFileSnapshot;
import io.hmapstore.StoreFiles;
import io.hmapstore.VerifyReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Parameters;

/**
 * A subcommand that looks at a store file it knows nothing about, read-only
 * ({@link StoreFiles#openReadOnly}): no lock is taken, nothing is recovered or written, so it works
 * beside a live writer and on a file it may not write. A file that cannot be read as a store at all
 * ends the command with its {@link StoreException}'s message and exit code {@value #EXIT_CANNOT_OPEN}.
 */
abstract class StoreFileCommand extends NativeCommand {

    /** The exit code when the file cannot be read as a store file at all. */
    static final int EXIT_CANNOT_OPEN = 2;

    /** The exit code when the check found problems. */
    static final int EXIT_PROBLEMS = 1;

    /** What {@code --help} says about how every store-file command opens the file. */
    static final String READ_ONLY_NOTE = "Opens the file read-only: takes no lock, recovers nothing, writes nothing, "
            + "so it works beside a live writer (a snapshot, which may be caught mid-write) and on a read-only file.";

    @Parameters(index = "0", paramLabel = "FILE", description = "The store file.")
    Path file;

    @Override
    int run(PrintWriter out) {
        StoreFileSnapshot snapshot;
        try {
            snapshot = StoreFiles.openReadOnly(file);
        } catch (StoreException e) {
            return failed(e);
        }
        try (snapshot) {
            return run(out, snapshot);
        }
    }

    /** Prints the exception's message after the command's name; returns {@value #EXIT_CANNOT_OPEN}. */
    final int failed(StoreException e) {
        spec.commandLine().getErr().println("hmapstore " + spec.name() + ": " + e.getMessage());
        return EXIT_CANNOT_OPEN;
    }

    /** Does the command's work on the snapshot; returns the exit code. */
    abstract int run(PrintWriter out, StoreFileSnapshot snapshot);

    /** What the file's state means for the figures shown, in one line, or "" when nothing needs saying. */
    static String stateNote(StoreFileSnapshot snapshot) {
        if (snapshot.writerAttached()) {
            return "note: a writer is attached (another process has the store open); this is a snapshot that may be"
                    + " caught mid-write, so a problem may be a write in flight";
        }
        if (!snapshot.info().clean()) {
            return "note: the file was not closed cleanly and no writer is attached; hmapstore recover FILE (or verify"
                    + " --repair) runs the recovery a writer runs on opening it";
        }
        return "";
    }

    /** Prints each problem on a line of its own: where it is, what was expected, what was found. */
    static void printProblems(PrintWriter out, VerifyReport report, long pageSize) {
        for (VerifyReport.Problem p : report.problems()) {
            String where = p.segment() >= 0
                    ? "segment " + p.segment() + ", bucket " + (p.bucket() < 0 ? "-" : Long.toString(p.bucket()))
                    : p.offset() < pageSize ? "superblock" : "heap";
            out.println("problem: offset 0x" + Long.toHexString(p.offset()) + ", " + where + ": expected " + p.expected()
                    + ", found " + p.found());
        }
    }

    /** What a check covered and found, e.g. "3000 entries and 453 buckets checked, 0 problems". */
    static String summary(VerifyReport report) {
        int n = report.problems().size();
        return report.entriesChecked() + " entries and " + report.bucketsChecked() + " buckets checked, "
                + n + (n == 1 ? " problem" : " problems");
    }
}

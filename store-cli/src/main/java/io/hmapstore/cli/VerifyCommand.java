package io.hmapstore.cli;

import io.hmapstore.OffHeapMap;
import io.hmapstore.StoreFileInfo;
import io.hmapstore.VerifyReport;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/**
 * {@code hmapstore verify FILE}: every check of {@link OffHeapMap#verify()} (bucket arrays, chains,
 * tophashes against recomputed hashes, entry references, counts), like {@code fsck}. Exit code 0 when
 * the file is sound, {@value #EXIT_PROBLEMS} when problems were found (each printed with its offset,
 * segment, bucket, what was expected and what was found), 2 when it cannot be opened at all — which
 * is where a damaged superblock or an offset that open() refuses to follow ends up.
 */
@Command(name = "verify",
        mixinStandardHelpOptions = true,
        description = {
            "Checks a store file completely: bucket arrays, overflow chains, tophashes against the",
            "stored keys' hashes, entry references, counts. Prints each problem with its offset,",
            "segment, bucket, what was expected and what was found.",
            "Exit code 0: sound; 1: problems found; 2: the file cannot be opened (its message is printed).",
            "Opens the file as a store: takes its lock (fails while another process has it open),",
            "and, if it was not closed cleanly, recovers it first, so what is checked is the recovered file."})
final class VerifyCommand extends StoreFileCommand {

    /** The exit code when the check found problems. */
    static final int EXIT_PROBLEMS = 1;

    @Override
    int run(PrintWriter out, StoreFileInfo info, OffHeapMap<byte[], byte[]> store) {
        VerifyReport report = store.verify();
        for (VerifyReport.Problem p : report.problems()) {
            out.println("problem: offset 0x" + Long.toHexString(p.offset()) + ", segment " + p.segment() + ", bucket "
                    + (p.bucket() < 0 ? "-" : Long.toString(p.bucket())) + ": expected " + p.expected() + ", found "
                    + p.found());
        }
        out.println(info.path() + ": " + (info.clean() ? "" : "recovered (was dirty); ") + report.entriesChecked()
                + " entries and " + report.bucketsChecked() + " buckets checked, " + report.problems().size()
                + (report.problems().size() == 1 ? " problem" : " problems"));
        return report.isClean() ? 0 : EXIT_PROBLEMS;
    }
}

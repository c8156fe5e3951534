package io.hmapstore.cli;

import io.hmapstore.StoreFileSnapshot;
import io.hmapstore.StoreFiles;
import io.hmapstore.VerifyReport;
import io.hmapstore.memory.MappedRegion;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hmapstore verify FILE}: the superblock's fields, every check of
 * {@link io.hmapstore.OffHeapMap#verify()} (bucket arrays, chains, tophashes against recomputed
 * hashes, entry references, counts) and the heap's block headers, like {@code fsck}, on a read-only
 * mapping. A damaged part is listed and the rest still checked. Exit code 0 when the file is sound,
 * {@value #EXIT_PROBLEMS} when problems were found, 2 when it is not a store file at all or cannot be
 * read. With {@code --repair}, a file with problems or not closed cleanly is then recovered
 * ({@link StoreFiles#recover}) and checked again.
 */
@Command(name = "verify",
        mixinStandardHelpOptions = true,
        header = "Checks a store file completely and lists every problem, with where it is.",
        description = {
            "Checks the superblock, the bucket arrays, overflow chains, tophashes against the stored keys' hashes, "
                    + "entry references, counts and the heap's block headers. Prints each problem with its offset, "
                    + "segment and bucket, what was expected and what was found; a damaged part does not stop the "
                    + "check of the rest.",
            StoreFileCommand.READ_ONLY_NOTE,
            "Exit code 0: sound; 1: problems found; 2: not a store file, or it cannot be read."})
final class VerifyCommand extends StoreFileCommand {

    @Option(names = "--repair", description = "If the file has problems or was not closed cleanly, recover it (as "
            + "hmapstore recover does: this writes to the file) and check it again; the exit code is then the second "
            + "check's.")
    boolean repair;

    @Override
    int run(PrintWriter out, StoreFileSnapshot snapshot) {
        VerifyReport report = snapshot.verify();
        printProblems(out, report, MappedRegion.pageSize());
        String note = stateNote(snapshot);
        if (!note.isEmpty()) {
            out.println(note);
        }
        out.println(file + ": " + summary(report));
        if (!repair || (report.isClean() && snapshot.info().clean())) {
            return report.isClean() ? 0 : EXIT_PROBLEMS;
        }
        snapshot.close(); // unmapped before the file is opened for writing
        return RecoverCommand.recover(this, out);
    }
}

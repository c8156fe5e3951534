package io.hmapstore.cli;

import io.hmapstore.StoreException;
import io.hmapstore.StoreFileSnapshot;
import io.hmapstore.StoreFiles;
import io.hmapstore.VerifyReport;
import io.hmapstore.memory.MappedRegion;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/**
 * {@code hmapstore recover FILE}: opens the file as its writer and runs the recovery a writer runs on
 * a file found dirty, whatever the file's state ({@link StoreFiles#recover}), then checks it. The one
 * store-file command that writes. Exit code 0 when the recovered file is sound,
 * {@value #EXIT_PROBLEMS} when problems remain, 2 when it cannot be recovered (a writer is attached,
 * the superblock is damaged, an offset recovery must follow is damaged).
 */
@Command(name = "recover",
        mixinStandardHelpOptions = true,
        header = "Recovers a store file that was not closed cleanly, then checks it.",
        description = {
            "Opens the file as its writer (it takes the file's lock, so no other process may have it open) and "
                    + "runs the recovery a writer runs on opening a file found dirty, whatever the file's state: an "
                    + "interrupted grow is rolled back or finished, counts are recounted, unreachable blocks are "
                    + "freed. Then checks the file as hmapstore verify does and closes it clean.",
            "Exit code 0: recovered and sound; 1: problems remain; 2: it cannot be recovered (the message says why)."})
final class RecoverCommand extends StoreFileCommand {

    /** Recovery writes, so this command does not start from a read-only snapshot. */
    @Override
    int run(PrintWriter out) {
        return recover(this, out);
    }

    @Override
    int run(PrintWriter out, StoreFileSnapshot snapshot) {
        throw new AssertionError("recover opens the file for writing, not as a snapshot");
    }

    /** Recovers {@code command}'s file and prints the check of the result; returns the exit code. */
    static int recover(StoreFileCommand command, PrintWriter out) {
        VerifyReport report;
        try {
            report = StoreFiles.recover(command.file);
        } catch (StoreException e) {
            return command.failed(e);
        }
        printProblems(out, report, MappedRegion.pageSize());
        out.println(command.file + ": recovered; " + summary(report));
        return report.isClean() ? 0 : EXIT_PROBLEMS;
    }
}

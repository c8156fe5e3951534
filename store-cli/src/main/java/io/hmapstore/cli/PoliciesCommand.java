package io.hmapstore.cli;

import io.hmapstore.cli.PolicyExperiment.Backing;
import io.hmapstore.cli.PolicyExperiment.Result;
import io.hmapstore.memory.MappedRegion;
import io.hmapstore.memory.ReleasePolicy;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code hmapstore policies}: runs every {@link ReleasePolicy} on a fresh region and prints what a
 * read returns afterwards, residency and RSS before and after, and the time spent in the call.
 *
 * <p>FREE is also run followed by PAGEOUT, on anonymous memory, because MADV_FREE alone shows the
 * old bytes on a machine with free memory: the zeros appear only once the kernel reclaims the pages.
 */
@Command(name = "policies",
        mixinStandardHelpOptions = true,
        header = "Shows what each release policy does to memory: read-back, residency, RSS, time.",
        description = "Writes a pattern to every page of a fresh region, releases it with each policy, and shows "
                + "what a read returns, resident and RSS MiB before and after, and the time in the call.")
final class PoliciesCommand extends NativeCommand {

    private static final long MIB = 1L << 20;
    private static final long MAX_SIZE_MIB = 1L << 20;

    @Option(names = "--size-mib", paramLabel = "MIB", defaultValue = "64",
            description = "Region size in MiB (default: ${DEFAULT-VALUE}).")
    long sizeMib;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    BackingChoice backing = new BackingChoice();

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "${sys:java.io.tmpdir}",
            description = "Directory for the temporary file of file-backed runs (default: ${DEFAULT-VALUE}).")
    Path directory;

    /** Anonymous memory by default; {@code --file} or {@code --both} instead. */
    static final class BackingChoice {
        @Option(names = "--file", description = "Use a temporary file-backed region instead of anonymous memory.")
        boolean file;

        @Option(names = "--both", description = "Run on anonymous memory, then on a file-backed region.")
        boolean both;

        List<Backing> backings() {
            if (both) {
                return List.of(Backing.ANONYMOUS, Backing.FILE);
            }
            return List.of(file ? Backing.FILE : Backing.ANONYMOUS);
        }
    }

    @Override
    int run(PrintWriter out) throws Exception {
        if (sizeMib < 1 || sizeMib > MAX_SIZE_MIB) {
            throw new ParameterException(spec.commandLine(),
                    "--size-mib " + sizeMib + " is out of range [1, " + MAX_SIZE_MIB + "]");
        }
        // One page through every path first, so class loading and linking stay out of the timings.
        PolicyExperiment warmUp = new PolicyExperiment(MappedRegion.pageSize(), directory);
        for (Backing kind : backing.backings()) {
            for (ReleasePolicy policy : ReleasePolicy.values()) {
                warmUp.run(kind, List.of(policy));
            }
        }
        PolicyExperiment experiment = new PolicyExperiment(sizeMib * MIB, directory);
        List<Result> results = new ArrayList<>();
        for (Backing kind : backing.backings()) {
            for (ReleasePolicy policy : ReleasePolicy.values()) {
                results.add(experiment.run(kind, List.of(policy)));
                if (policy == ReleasePolicy.FREE && !kind.fileBacked()) {
                    results.add(experiment.run(kind, List.of(ReleasePolicy.FREE, ReleasePolicy.PAGEOUT)));
                }
            }
        }
        print(out, results);
        return 0;
    }

    private void print(PrintWriter out, List<Result> results) {
        TextTable table = new TextTable(
                new String[] {"mapping", "policy", "read after release", "resident MiB before", "after",
                    "RSS MiB before", "after", "call µs"},
                new boolean[] {false, false, false, true, true, true, true, true});
        for (Result r : results) {
            if (r.applied()) {
                table.add(r.backing().label(), r.steps(), r.readBack(), mib(r.residentBefore()),
                        mib(r.residentAfter()), mib(r.rssBefore()), mib(r.rssAfter()),
                        Long.toString(r.callNanos() / 1000));
            } else {
                table.add(r.backing().label(), r.steps(), r.readBack(), "-", "-", "-", "-", "-");
            }
        }
        out.println("hmapstore policies: " + sizeMib + " MiB per region, every page written before release");
        table.print(out);
        if (backing.backings().contains(Backing.ANONYMOUS) && !MachineInfo.noSwapNote().isEmpty()) {
            out.println(MachineInfo.noSwapNote());
        }
        if (backing.backings().contains(Backing.FILE)) {
            out.println("file: " + MachineInfo.fileSystem(directory));
        }
        out.println(MachineInfo.describe());
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / (double) MIB);
    }
}

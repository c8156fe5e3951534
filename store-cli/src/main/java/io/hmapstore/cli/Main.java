package io.hmapstore.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code hmapstore} command. Each subcommand is one class listed in {@code subcommands}; a
 * subcommand that calls into {@code store-native} extends {@link NativeCommand} so that a failed
 * system call ends it with its message and exit code 2.
 */
@Command(name = "hmapstore",
        mixinStandardHelpOptions = true,
        version = "hmapstore 0.1.0",
        description = "Off-heap hash map store: experiments and tools.",
        subcommands = {HarnessCommand.class, PoliciesCommand.class, InspectCommand.class, VerifyCommand.class,
            HazardsCommand.class, RecoverCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @Spec
    private CommandSpec spec;

    /** Creates the top command; picocli fills in its spec. */
    public Main() {
    }

    /**
     * Runs {@code hmapstore} with the process's arguments and exits with the command's exit code.
     *
     * @param args the command line, e.g. {@code policies --size-mib 64}
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    /** Without a subcommand there is nothing to do: a usage error (exit code 2) that lists them. */
    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing required subcommand");
    }
}

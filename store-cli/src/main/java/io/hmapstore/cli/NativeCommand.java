package io.hmapstore.cli;

import io.hmapstore.memory.NativeCallException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A subcommand that calls into {@code store-native}: a {@link NativeCallException} prints its
 * message (the call, its arguments and the errno) rather than a stack trace, and exits with
 * {@link #EXIT_NATIVE_FAILURE}.
 *
 * <p>Done here rather than with an execution-exception handler on the {@code CommandLine} so it
 * holds however the command line is built, including in tests that make their own.
 */
abstract class NativeCommand implements Callable<Integer> {

    /** The exit code after a failed system call. */
    static final int EXIT_NATIVE_FAILURE = 2;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try {
            return run(out);
        } catch (NativeCallException e) {
            spec.commandLine().getErr().println("hmapstore " + spec.name() + ": " + e.getMessage());
            return EXIT_NATIVE_FAILURE;
        } finally {
            out.flush();
        }
    }

    /** Does the command's work, printing to {@code out}; returns the exit code. */
    abstract int run(PrintWriter out) throws Exception;
}

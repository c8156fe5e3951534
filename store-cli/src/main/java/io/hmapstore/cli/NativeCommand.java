package io.hmapstore.cli;

import io.hmapstore.StoreException;
import io.hmapstore.memory.NativeCallException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A subcommand that calls into {@code store-native}: a {@link NativeCallException} prints its
 * message (the call, its arguments and the errno) rather than a stack trace, and exits with
 * {@link #EXIT_NATIVE_FAILURE}; so does a failed file operation, said in words ("no such file"),
 * not by the JDK exception's class name.
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
        } catch (StoreException e) {
            // A store wraps a failed call in words of its own ("cannot grow the store's mapping ...: mremap ...").
            if (!(e.getCause() instanceof NativeCallException)) {
                throw e;
            }
            spec.commandLine().getErr().println("hmapstore " + spec.name() + ": " + e.getMessage());
            return EXIT_NATIVE_FAILURE;
        } catch (IOException | UncheckedIOException e) {
            IOException io = e instanceof UncheckedIOException u ? u.getCause() : (IOException) e;
            spec.commandLine().getErr().println("hmapstore " + spec.name() + ": " + inWords(io));
            return EXIT_NATIVE_FAILURE;
        } finally {
            out.flush();
        }
    }

    /**
     * A failed file operation said in words, "/tmp/x: no such file", where the JDK's own message would
     * be the exception's class name and the path.
     */
    static String inWords(IOException e) {
        if (e instanceof FileSystemException f) {
            String why = switch (f) {
                case NoSuchFileException x -> "no such file";
                case AccessDeniedException x -> "permission denied";
                case FileAlreadyExistsException x -> "already exists";
                case NotDirectoryException x -> "not a directory";
                default -> f.getReason() != null ? f.getReason() : "failed";
            };
            // The OS's reasons are capitalised ("Not a directory"); ours follow a colon, in lower case.
            why = why.isEmpty() ? why : Character.toLowerCase(why.charAt(0)) + why.substring(1);
            return f.getFile() + (f.getOtherFile() != null ? " -> " + f.getOtherFile() : "") + ": " + why;
        }
        return e.getMessage() != null ? e.getMessage() : "an I/O error";
    }

    /** Does the command's work, printing to {@code out}; returns the exit code. */
    abstract int run(PrintWriter out) throws Exception;
}

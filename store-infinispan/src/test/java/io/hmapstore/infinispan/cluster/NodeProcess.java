package io.hmapstore.infinispan.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ClusterNode} JVM driven line by line: {@link #call} sends a command and returns the
 * node's answer. Its log goes to {@code node.log} in its directory, and the last lines of it are in
 * the message of any failure.
 */
final class NodeProcess implements AutoCloseable {
    private final String name;
    private final Path log;
    private final Process process;
    private final BufferedReader out;
    private final PrintStream in;

    private NodeProcess(String name, Path log, Process process) {
        this.name = name;
        this.log = log;
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.in = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
    }

    /** Starts a node; {@link #awaitReady()} waits for its cache. */
    static NodeProcess start(String name, Path dir, int port, String hosts) throws IOException {
        Files.createDirectories(dir);
        Path log = dir.resolve("node.log");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // The test JVM's own flags: native access for the store, the opens Infinispan needs, logging.
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-opens") || arg.startsWith("--add-exports") || arg.startsWith("--enable-native-access")
                    || arg.startsWith("-Djava.util.logging.config.file")) {
                cmd.add(arg);
            }
        }
        cmd.addAll(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-Djava.net.preferIPv4Stack=true",
                "-cp", System.getProperty("java.class.path"), ClusterNode.class.getName(),
                name, dir.toString(), Integer.toString(port), hosts));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return new NodeProcess(name, log, p);
    }

    void awaitReady() throws IOException {
        String line = next();
        if (!"ready".equals(line)) {
            throw new IllegalStateException(name + " did not start: " + line + tail());
        }
    }

    /** @return the node's answer to {@code command}, without its leading {@code =} */
    String call(String command) throws IOException {
        in.println(command);
        String line = next();
        if (line == null || line.startsWith("=error")) {
            throw new IllegalStateException(name + " failed '" + command + "': " + line + tail());
        }
        return line.substring(1);
    }

    long callLong(String command) throws IOException {
        return Long.parseLong(call(command));
    }

    /** Kills the JVM with SIGKILL: no shutdown hook, no store close, files left as they are. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Asks the node to stop its cache manager and exit. */
    void stop() throws IOException, InterruptedException {
        call("stop");
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " did not exit after stop" + tail());
        }
    }

    private String next() throws IOException {
        // Skip anything a library prints on stdout; the node's answers are "ready" or start with '='.
        for (String line; (line = out.readLine()) != null; ) {
            if (line.equals("ready") || line.startsWith("=")) {
                return line;
            }
        }
        return null;
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return "\n--- last lines of " + log + ":\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

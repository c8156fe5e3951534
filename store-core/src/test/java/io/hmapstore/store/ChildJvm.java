package io.hmapstore.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a scenario's {@code main} in a child JVM on this test's class path, for what must be set when a
 * JVM starts (the virtual-thread scheduler's size), and fails the test if the child hangs past its
 * deadline, fails, or does not print its last line.
 */
final class ChildJvm {
    private ChildJvm() {
    }

    /**
     * @param main the scenario
     * @param jvmOptions options for the child, before its class path
     * @param deadlineSeconds how long it may take: a hang is the child still running then
     * @param lastLine what the child prints when its scenario is done
     * @param hang what a hang means, for the failure message
     * @param log where the child's output goes
     */
    static void run(Class<?> main, List<String> jvmOptions, long deadlineSeconds, String lastLine, String hang,
            Path log) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean exited = child.waitFor(deadlineSeconds, TimeUnit.SECONDS);
        if (!exited) {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(exited, hang + " (not done in " + deadlineSeconds + " s); child said:\n" + output);
        assertEquals(0, child.exitValue(), output);
        assertTrue(output.contains(lastLine), output);
    }
}

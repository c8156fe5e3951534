package io.hmapstore.examples;

import io.hmapstore.Codecs;
import io.hmapstore.OffHeapMap;
import io.hmapstore.StoreFileInfo;
import io.hmapstore.VerifyReport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A writer killed with SIGKILL loses nothing that {@code put} returned from: this program starts a
 * child JVM that writes to a store file and reports each key after its {@code put} returns, kills it
 * mid-write, then reopens the file — found dirty, so {@code open()} recovers it — and checks that
 * every reported key is there.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp examples/target/classes:store-core/target/classes:store-native/target/classes \
 *     io.hmapstore.examples.CrashRecoveryExample
 * </pre>
 */
public final class CrashRecoveryExample {
    private CrashRecoveryExample() {
    }

    /**
     * @param args none (the parent), or {@code --child FILE}
     * @throws Exception if the child cannot be run
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("--child")) {
            child(Path.of(args[1]));
            return;
        }
        Path file = Files.createTempFile("crash", ".hmap");
        try {
            parent(file);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Writes forever, printing each key once its put has returned. */
    private static void child(Path file) {
        try (OffHeapMap<Long, String> store = OffHeapMap.of(Codecs.longs(), Codecs.utf8()).persistTo(file).open()) {
            for (long key = 0; ; key++) {
                store.put(key, "value-" + key);
                System.out.println(key);
                System.out.flush();
            }
        }
    }

    private static void parent(Path file) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), CrashRecoveryExample.class.getName(), "--child",
                file.toString())).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        long lastReported = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                lastReported = Long.parseLong(line);
                if (lastReported == 50_000) {
                    // SIGKILL through the handle: Process.destroyForcibly() would also close our end
                    // of the pipe and lose the reports the child made before it died.
                    child.toHandle().destroyForcibly();
                }
            }
        }
        child.waitFor(30, TimeUnit.SECONDS);
        System.out.println("child killed (exit " + child.exitValue() + ") after reporting keys 0.." + lastReported);
        System.out.println("the file is " + (StoreFileInfo.read(file).clean() ? "clean" : "dirty")
                + ": it was not closed, so open() recovers it");

        try (OffHeapMap<Long, String> store = OffHeapMap.of(Codecs.longs(), Codecs.utf8()).persistTo(file).open()) {
            boolean recovered = io.hmapstore.inspect.StoreProbe.of(store).wasRecovered();
            System.out.println("reopened: recovery " + (recovered ? "ran" : "did not run") + "; " + store.size()
                    + " entries");
            long missing = 0;
            for (long key = 0; key <= lastReported; key++) {
                if (!("value-" + key).equals(store.get(key))) {
                    missing++;
                }
            }
            VerifyReport report = store.verify();
            System.out.println("every reported key present: " + (missing == 0 ? "yes" : "NO, " + missing + " missing")
                    + "; verify: " + (report.isClean() ? "clean" : report.problems()));
            if (missing != 0 || !report.isClean() || !recovered) {
                throw new IllegalStateException("recovery lost data or left the store unsound");
            }
        }
    }
}

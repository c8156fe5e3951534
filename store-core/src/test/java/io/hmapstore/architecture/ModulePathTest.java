package io.hmapstore.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hmapstore.OffHeapMap;
import io.hmapstore.memory.MappedRegion;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An outside program that uses the store from the module path, as a modular application would: it
 * compiles against the {@code io.hmapstore.core} and {@code io.hmapstore.memory} modules (this build's
 * classes), runs in a JVM of its own with nothing on the class path, and cannot compile against a
 * package the module does not export.
 */
class ModulePathTest {

    private static final String MODULE_INFO = """
            module outside.app {
                requires io.hmapstore.core;
            }
            """;

    private static final String APP = """
            package outside.app;

            import io.hmapstore.Codecs;
            import io.hmapstore.OffHeapMap;
            import java.nio.file.Path;

            public class Main {
                public static void main(String[] args) {
                    Path file = Path.of(args[0]);
                    try (OffHeapMap<Long, String> users = OffHeapMap.of(Codecs.longs(), Codecs.utf8()).persistTo(file).open()) {
                        for (long k = 0; k < 10_000; k++) {
                            users.put(k, "user-" + k);
                        }
                    }
                    try (OffHeapMap<Long, String> users = OffHeapMap.of(Codecs.longs(), Codecs.utf8()).persistTo(file).open()) {
                        System.out.println(users.get(4242L) + " " + users.size() + " " + users.verify().isClean()
                                + " " + OffHeapMap.class.getModule().getName());
                    }
                }
            }
            """;

    private static final String INTRUDER = """
            package outside.app;

            public class Intruder {
                static Class<?> store = io.hmapstore.store.TableStore.class;
            }
            """;

    @Test
    void anOutsideModule_usesTheStoreFromTheModulePath(@TempDir Path dir) throws Exception {
        Path classes = compile(dir, "Main.java", APP);
        Process run = new ProcessBuilder(javaExecutable(), "--module-path", modulePath() + File.pathSeparator + classes,
                "--enable-native-access=io.hmapstore.memory", "-m", "outside.app/outside.app.Main",
                dir.resolve("users.hmap").toString()).redirectErrorStream(true).start();
        assertTrue(run.waitFor(60, TimeUnit.SECONDS), "the outside program did not finish in 60 s");
        String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, run.exitValue(), out);
        assertEquals("user-4242 10000 true io.hmapstore.core", out);
    }

    @Test
    void anOutsideModule_cannotCompileAgainstTheLayersBeneathTheApi(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int rc = javac(dir, "Intruder.java", INTRUDER, errors);
        String diagnostics = errors.toString(StandardCharsets.UTF_8);
        assertFalse(rc == 0, "compiled against io.hmapstore.store, which the module does not export");
        assertTrue(diagnostics.contains("package io.hmapstore.store is not visible"), diagnostics);
    }

    private static Path compile(Path dir, String name, String source) throws IOException, URISyntaxException {
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int rc = javac(dir, name, source, errors);
        assertEquals(0, rc, errors.toString(StandardCharsets.UTF_8));
        return dir.resolve("out");
    }

    private static int javac(Path dir, String name, String source, ByteArrayOutputStream errors)
            throws IOException, URISyntaxException {
        Path src = dir.resolve("src/outside.app");
        Files.createDirectories(src.resolve("outside/app"));
        Files.writeString(src.resolve("module-info.java"), MODULE_INFO);
        Path file = src.resolve("outside/app").resolve(name);
        Files.writeString(file, source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = List.of("--module-path", modulePath(), "-d", dir.resolve("out").toString(),
                src.resolve("module-info.java").toString(), file.toString());
        return javac.run(null, null, new PrintStream(errors, true, StandardCharsets.UTF_8), args.toArray(String[]::new));
    }

    /** store-core's and store-native's compiled classes (a directory or a jar each), as this build made them. */
    private static String modulePath() throws URISyntaxException {
        return Path.of(OffHeapMap.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                + File.pathSeparator
                + Path.of(MappedRegion.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}

package io.hmapstore.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** Each case runs on a thread of its own, so that no pin outlives it. */
class ThreadPinTest {

    @Test
    void pin_leavesTheThreadAllowedOnThatCpuAlone() throws Exception {
        // The highest CPU this process may use ("0-1", "0,2-3"): the last number of its list.
        String allowed = onNewThread(ThreadPinTest::allowedCpus);
        int last = Integer.parseInt(allowed.substring(allowed.replaceAll("[0-9]+$", "").length()));
        assertEquals(Integer.toString(last), onNewThread(() -> {
            ThreadPin.pin(last);
            return allowedCpus();
        }));
    }

    @Test
    void pinFromProperty_takesTheThreadsCpuFromTheList_orLeavesItAlone() throws Exception {
        String before = onNewThread(ThreadPinTest::allowedCpus);
        try {
            System.clearProperty(ThreadPin.PROPERTY);
            assertEquals(-1, (int) onNewThread(() -> ThreadPin.pinFromProperty(0)));
            assertEquals(before, onNewThread(() -> {
                ThreadPin.pinFromProperty(0);
                return allowedCpus();
            }));
            System.setProperty(ThreadPin.PROPERTY, "0, 0");
            assertEquals("0", onNewThread(() -> {
                ThreadPin.pinFromProperty(3);
                return allowedCpus();
            }));
            System.setProperty(ThreadPin.PROPERTY, "zero");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> rethrow(() -> ThreadPin.pinFromProperty(0)));
            assertTrue(e.getMessage().contains("-Dhmapstore.bench.pin=zero"), e.getMessage());
        } finally {
            System.clearProperty(ThreadPin.PROPERTY);
        }
    }

    @Test
    void aCpuThatIsNotThere_isRefusedWithTheErrno() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> rethrow(() -> {
            ThreadPin.pin(1023);
            return null;
        }));
        assertTrue(e.getMessage().contains("CPU 1023") && e.getMessage().contains("errno 22"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ThreadPin.pin(1024));
    }

    /** The calling thread's allowed CPUs, as the kernel lists them. */
    private static String allowedCpus() throws Exception {
        return Files.readAllLines(Path.of("/proc/thread-self/status")).stream()
                .filter(l -> l.startsWith("Cpus_allowed_list:")).findFirst().orElseThrow()
                .substring("Cpus_allowed_list:".length()).strip();
    }

    private static <T> T onNewThread(Callable<T> body) throws Exception {
        ExecutorService one = Executors.newSingleThreadExecutor();
        try {
            return one.submit(body).get();
        } finally {
            one.shutdownNow();
        }
    }

    private static <T> T rethrow(Callable<T> body) throws Exception {
        try {
            return onNewThread(body);
        } catch (java.util.concurrent.ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }
}

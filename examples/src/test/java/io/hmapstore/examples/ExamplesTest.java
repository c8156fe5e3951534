package io.hmapstore.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Runs each example's {@code main} and checks that its output shows both halves: the hazard with the guard
 * off, and the same steps refused or made safe with the guard on.
 */
class ExamplesTest {

    @FunctionalInterface
    interface Main {
        void run() throws Exception;
    }

    /** Runs {@code main} with {@code System.out} captured. */
    private static String output(Main main) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            main.run();
        } finally {
            System.setOut(original);
        }
        String out = buffer.toString(StandardCharsets.UTF_8);
        original.print(out);
        return out;
    }

    /** The part of {@code out} from {@code from} up to {@code to} (or the end). */
    private static String section(String out, String from, String to) {
        int start = out.indexOf(from);
        assertTrue(start >= 0, () -> "no \"" + from + "\" section in:\n" + out);
        int end = to == null ? -1 : out.indexOf(to, start);
        return out.substring(start, end < 0 ? out.length() : end);
    }

    private static void assertFinds(String regex, String text) {
        assertTrue(Pattern.compile(regex).matcher(text).find(), () -> "expected /" + regex + "/ in:\n" + text);
    }

    @Test
    void quickStart_printsValuesStatsAndCleanVerify() throws Exception {
        String out = output(() -> QuickStart.main(new String[0]));
        assertFinds("users.get\\(42\\) = alice \\(admin\\)", out);
        assertFinds("view of 43 += bob", out);
        assertFinds("entries 100002, buckets \\d+", out);
        assertFinds("verify: 100002 entries checked, clean = true", out);
        assertFinds("counter 7 = 1000 ", out);
    }

    @Test
    void staleViewExample_showsForeignBytesOff_andStaleViewExceptionOn() throws Exception {
        String out = output(() -> StaleViewExample.main(new String[0]));
        String off = section(out, "== guard off", "== guard on");
        String on = section(out, "== guard on", null);
        assertFinds("view of key 1 now reads \"bobby-secret-0002\"", off);
        assertFinds("view.isValid\\(\\) = false", on);
        assertFinds("refused: StaleViewException", on);
        assertTrue(!on.contains("reads \"bobby"), on);
    }

    @Test
    void reusePollutionExample_showsGhostsOff_andNoneOn() throws Exception {
        String out = output(() -> ReusePollutionExample.main(new String[0]));
        String off = section(out, "== guard off", "== guard on");
        String on = section(out, "== guard on", null);
        assertTrue(off.contains("CorruptedStoreException") || !off.contains("still found: 0 of")
                || !off.contains("verify(): clean") || !off.contains("iteration returned 20000 keys"),
                () -> "no ghost or corruption shown with the guard off:\n" + off);
        assertFinds("reused memory held [1-9]\\d* non-zero bytes", off);
        assertFinds("reused memory held 0 non-zero bytes", on);
        assertFinds("still found: 0 of 20000", on);
        assertFinds("size\\(\\) = 20000, iteration returned 20000 keys", on);
        assertFinds("verify\\(\\): clean", on);
    }

    @Test
    void concurrentWritesExample_showsLostWritesOff_andConcurrentWriteExceptionOn() throws Exception {
        String out = output(() -> ConcurrentWritesExample.main(new String[0]));
        String off = section(out, "== guard off", "== guard on");
        String on = section(out, "== guard on", "== the fix");
        String fix = section(out, "== the fix", null);
        assertFinds("[1-9]\\d* lost|crashed on torn memory|found torn memory|verify\\(\\): [1-9]\\d* problems", off);
        assertTrue(!off.contains("ConcurrentWriteException"), off);
        assertFinds("refused: ConcurrentWriteException", on);
        assertFinds("200000 keys written, 0 lost, size\\(\\) = 200000, verify\\(\\): clean", fix);
    }

    @Test
    void writeGuardExample_showsNegativeBalanceOff_andRefusalOn() throws Exception {
        String out = output(() -> WriteGuardExample.main(new String[0]));
        String off = section(out, "== guard off", "== guard on");
        String on = section(out, "== guard on", null);
        assertFinds("balance is now -50", off);
        assertFinds("account 7 deleted: null", off);
        assertFinds("refused: .*balance may not go negative: -50; balance is still 100", on);
        assertFinds("refused: .*accounts are never deleted", on);
    }
}

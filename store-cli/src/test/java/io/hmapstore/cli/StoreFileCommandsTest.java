package io.hmapstore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hmapstore.Codecs;
import io.hmapstore.Concurrency;
import io.hmapstore.OffHeapMap;
import io.hmapstore.StoreFileInfo;
import io.hmapstore.StoreStats;
import io.hmapstore.memory.MappedRegion;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs {@code hmapstore inspect} and {@code hmapstore verify} in-process on store files made here. */
class StoreFileCommandsTest {
    private static final int ENTRIES = 3000;
    private static final long PAGE = MappedRegion.pageSize();
    /** utf8 -> bytes: an 8-byte entry reference per slot and no value slot; the overflow offset at 72. */
    private static final int BUCKET_BYTES = 80;
    private static final int OVERFLOW_AT = 72;

    @TempDir
    Path dir;
    private Path file;
    private StoreStats made;

    private record Run(int exitCode, String out, String err) {
        List<String> lines() {
            return Arrays.asList(out.split("\n"));
        }

        /** The table row whose first cell is {@code first}, split on runs of spaces. */
        List<String> row(String first) {
            return lines().stream().map(l -> Arrays.asList(l.trim().split("\\s+")))
                    .filter(cells -> cells.get(0).equals(first)).findFirst().orElseThrow(() ->
                            new AssertionError("no row " + first + " in\n" + out));
        }
    }

    private static Run execute(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new Main());
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        int exitCode = command.execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    @BeforeEach
    void makeFile() {
        file = dir.resolve("sample.hmap");
        try (OffHeapMap<String, byte[]> store = OffHeapMap.of(Codecs.utf8(), Codecs.bytes()).persistTo(file)
                .concurrency(Concurrency.SINGLE_WRITER).expectedEntries(16).seed(11).open()) {
            for (int i = 0; i < ENTRIES; i++) {
                store.put("key-" + i, new byte[i % 100]);
            }
            made = store.stats();
        }
        assertTrue(made.overflowBuckets() > 0, "the sample has overflow chains: " + made);
    }

    @Test
    void inspect_sampleFile_showsCodecsSegmentsAndCounts() {
        Run run = execute("inspect", file.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(List.of("keys", "'utf8'", "(variable", "size,", "in", "the", "entry", "heap)"), run.row("keys"));
        assertEquals("'bytes'", run.row("values").get(1));
        assertEquals(List.of("format", "version", "1,", "page", "size", Long.toString(PAGE)), run.row("format"));
        assertEquals("clean", run.row("state").get(1));
        assertEquals(Long.toString(ENTRIES), run.row("entries").get(1));
        int b = made.bucketsLog2()[0];
        assertEquals(List.of("0", Integer.toString(b), Long.toString(ENTRIES), Long.toString(made.overflowBuckets()),
                String.format(java.util.Locale.ROOT, "%.2f", ENTRIES / (double) (1L << b))), run.row("0"),
                "segment 0: B, count, overflow, load");
        long chains = 0;
        for (long n : made.chainLengthHistogram()) {
            chains += n;
        }
        assertEquals(1L << b, chains);
        assertEquals(Long.toString(made.chainLengthHistogram()[1]), run.row("1").get(1), "chains of length 1");
        assertTrue(run.out().contains("block size"), run.out());
        assertTrue(run.out().contains("retired bytes"), run.out());
    }

    @Test
    void verify_goodFile_exitsZero() {
        Run run = execute("verify", file.toString());
        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().endsWith(file + ": " + ENTRIES + " entries and " + (made.buckets() + made.overflowBuckets())
                + " buckets checked, 0 problems\n"), run.out());
    }

    @Test
    void verify_overflowOffsetAimedAtAnotherChain_exitsOneNamingOffsetSegmentBucket() throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        long header = PAGE;
        long array = bytes.getLong((int) header + 16);
        int b = bytes.get((int) header + 52);
        long withChain = -1;
        long without = -1;
        for (long i = 0; i < (1L << b); i++) {
            long overflow = bytes.getLong((int) (array + i * BUCKET_BYTES + OVERFLOW_AT));
            if (overflow != 0 && withChain < 0) {
                withChain = i;
            } else if (overflow == 0 && without < 0) {
                without = i;
            }
        }
        assertTrue(withChain >= 0 && without >= 0, "a bucket with a chain and one without");
        long field = array + without * BUCKET_BYTES + OVERFLOW_AT;
        bytes.putLong((int) field, bytes.getLong((int) (array + withChain * BUCKET_BYTES + OVERFLOW_AT)));
        Path damaged = dir.resolve("damaged.hmap");
        Files.write(damaged, bytes.array());

        Run run = execute("verify", damaged.toString());
        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("problem: offset 0x" + Long.toHexString(PAGE + 48) + ", segment 0, bucket -: expected"
                + " noverflow = " + (made.overflowBuckets() + 1) + " reachable overflow buckets, found "
                + made.overflowBuckets()), run.out());
        assertTrue(run.out().contains(", segment 0, bucket " + without + ": expected a key hashing to segment 0, bucket "
                + without + ", found segment 0, bucket " + withChain), run.out());
    }

    @Test
    void verify_foreignFile_exitsTwoWithTheOpenError() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.txt"), "not a store\n".repeat(1000), StandardCharsets.UTF_8);
        Run run = execute("verify", text.toString());
        assertEquals(2, run.exitCode());
        assertEquals("hmapstore verify: store file " + text + " is not an hmapstore file: magic 0x7473206120746f6e,"
                + " expected 0x524f545350414d48\n", run.err());
        assertEquals("", run.out());
    }

    @Test
    void verify_entryOffsetRefusedAtOpen_exitsTwoNamingSegmentBucketAndOffset() throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        long array = bytes.getLong((int) PAGE + 16);
        long slot = -1;
        for (long i = 0; slot < 0; i++) {
            if ((bytes.get((int) (array + i * BUCKET_BYTES)) & 0xFF) >= 5) {
                slot = array + i * BUCKET_BYTES + 8;
            }
        }
        bytes.putLong((int) slot, 0x40);
        Path damaged = dir.resolve("entry.hmap");
        Files.write(damaged, bytes.array());
        Run run = execute("verify", damaged.toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().startsWith("hmapstore verify: corrupted store: segment 0, bucket "), run.err());
        assertTrue(run.err().contains("offset 0x" + Long.toHexString(slot) + ": expected an entry in heap"), run.err());
    }

    @Test
    void verify_dirtyFile_isRecoveredFirstThenClean() throws IOException {
        Path copy = dir.resolve("dirty.hmap");
        try (OffHeapMap<String, byte[]> store = OffHeapMap.of(Codecs.utf8(), Codecs.bytes()).persistTo(file).open()) {
            store.put("one more", new byte[3]);
            Files.copy(file, copy);
        }
        assertTrue(!StoreFileInfo.read(copy).clean());
        Run run = execute("verify", copy.toString());
        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("recovered (was dirty); " + (ENTRIES + 1) + " entries"), run.out());
        assertTrue(StoreFileInfo.read(copy).clean(), "verify's open and close left the file clean");
    }

    @Test
    void inspect_fileOpenElsewhere_exitsTwoNamingTheLock() {
        try (OffHeapMap<String, byte[]> store = OffHeapMap.of(Codecs.utf8(), Codecs.bytes()).persistTo(file).open()) {
            Run run = execute("inspect", file.toString());
            assertEquals(2, run.exitCode());
            assertEquals("hmapstore inspect: store file " + file + " is already open in this process; close it first\n",
                    run.err());
            assertNotEquals(0, store.size());
        }
    }

    @Test
    void help_saysBothCommandsTakeTheLockAndRecover() {
        for (String command : List.of("inspect", "verify")) {
            Run run = execute(command, "--help");
            assertEquals(0, run.exitCode());
            assertTrue(run.out().contains("takes its lock") && run.out().contains("recovers it"), run.out());
        }
    }
}

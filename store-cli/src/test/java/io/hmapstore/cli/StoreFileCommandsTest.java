package io.hmapstore.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hmapstore.Codecs;
import io.hmapstore.Concurrency;
import io.hmapstore.OffHeapMap;
import io.hmapstore.StoreFileInfo;
import io.hmapstore.StoreStats;
import io.hmapstore.memory.MappedRegion;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Runs {@code hmapstore inspect}, {@code verify} and {@code recover} in-process on store files made here: sound,
 * damaged in each part of the format, dirty, read-only, and open in a live writer in another process.
 */
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
        assertEquals(List.of("format", "version", "2,", "page", "size", Long.toString(PAGE)), run.row("format"));
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
        assertEquals(List.of("writer", "none"), run.row("writer"));
        assertEquals(List.of("check", Long.toString(ENTRIES), "entries", "and",
                Long.toString(made.buckets() + made.overflowBuckets()), "buckets", "checked,", "0", "problems"),
                run.row("check"));
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

    /** A copy of the sample with {@code edit} applied to its bytes (little-endian). */
    private Path damaged(String name, java.util.function.Consumer<ByteBuffer> edit) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        edit.accept(bytes);
        return Files.write(dir.resolve(name), bytes.array());
    }

    /** The first slot of segment 0's bucket array holding a live entry: its key's entry reference. */
    private static long liveSlot(ByteBuffer bytes) {
        long array = bytes.getLong((int) PAGE + 16);
        for (long i = 0; ; i++) {
            if ((bytes.get((int) (array + i * BUCKET_BYTES)) & 0xFF) >= 5) {
                return array + i * BUCKET_BYTES + 8;
            }
        }
    }

    @Test
    void verify_damagedSuperblock_exitsOneListingEachField() throws IOException {
        Path damaged = damaged("superblock.hmap", bytes -> {
            bytes.put(104, (byte) (bytes.get(104) ^ 1)); // the value codec's id, under the checksum
            bytes.putLong(264, 0x123);                     // the heap top, outside it
        });
        Run run = execute("verify", damaged.toString());
        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("problem: offset 0xac, superblock: expected superblock checksum 0x"), run.out());
        assertTrue(run.out().contains("problem: offset 0x108, superblock: expected a page-aligned heap top in [0x"
                + Long.toHexString(2 * PAGE) + ", 0x" + Long.toHexString(Files.size(file)) + "], found 0x123"), run.out());
        assertTrue(run.out().endsWith(damaged + ": " + ENTRIES + " entries and " + (made.buckets() + made.overflowBuckets())
                + " buckets checked, 2 problems\n"), "the table was still walked: " + run.out());
    }

    @Test
    void verify_damagedSegmentHeader_exitsOneNamingTheSegment() throws IOException {
        Path damaged = damaged("segment.hmap", bytes -> bytes.put((int) PAGE + 52, (byte) 99));
        Run run = execute("verify", damaged.toString());
        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().startsWith("problem: offset 0x" + Long.toHexString(PAGE + 52)
                + ", segment 0, bucket -: expected B in [0, 40], found 99\n"), run.out());
    }

    @Test
    void verify_overflowLinkOutsideTheHeap_exitsOneListingItAndWhatItCut() throws IOException {
        long[] field = new long[1];
        Path damaged = damaged("overflow.hmap", bytes -> {
            long array = bytes.getLong((int) PAGE + 16);
            for (long i = 0; field[0] == 0; i++) {
                long at = array + i * BUCKET_BYTES + OVERFLOW_AT;
                if (bytes.getLong((int) at) != 0) {
                    field[0] = at;
                }
            }
            bytes.putLong((int) field[0], 0x12345);
        });
        Run run = execute("verify", damaged.toString());
        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("problem: offset 0x" + Long.toHexString(field[0]) + ", segment 0, bucket "),
                run.out());
        assertTrue(run.out().contains(": expected 0 or an overflow bucket in heap [0x"), run.out());
        assertTrue(run.out().contains("bucket -: expected noverflow = "), "the cut chain shows in the counts: " + run.out());
    }

    @Test
    void verify_entryReferenceIntoTheSuperblock_exitsOneNamingSegmentBucketAndOffset() throws IOException {
        long[] slot = new long[1];
        Path damaged = damaged("entry.hmap", bytes -> {
            slot[0] = liveSlot(bytes);
            bytes.putLong((int) slot[0], 0x40);
        });
        Run run = execute("verify", damaged.toString());
        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("problem: offset 0x" + Long.toHexString(slot[0]) + ", segment 0, bucket "), run.out());
        assertTrue(run.out().contains(": expected a sound entry reference, found corrupted store: segment 0"), run.out());
        assertTrue(run.out().contains(ENTRIES - 1 + " entries"), "every other entry was checked: " + run.out());
        assertEquals("", run.err());
    }

    @Test
    void recover_onAnEntryReferenceItMustFollow_exitsTwoSayingWhere() throws IOException {
        Path damaged = damaged("entry.hmap", bytes -> bytes.putLong((int) liveSlot(bytes), 0x40));
        Run run = execute("recover", damaged.toString());
        assertEquals(2, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().startsWith("hmapstore recover: corrupted store: segment 0, bucket "), run.err());
    }

    @Test
    void verifyAndInspect_missingFileOrDirectory_exitTwoInWords() {
        Path missing = dir.resolve("absent.hmap");
        Run run = execute("verify", missing.toString());
        assertEquals(2, run.exitCode());
        assertEquals("hmapstore verify: cannot read store file " + missing + ": no such file\n", run.err());
        Run directory = execute("inspect", dir.toString());
        assertEquals(2, directory.exitCode());
        assertEquals("hmapstore inspect: store file " + dir + " is not a regular file (a directory or a device): it is"
                + " not a store file\n", directory.err());
    }

    /** A copy of the sample taken while a writer had it open, after one more put: dirty, and sound. */
    private Path dirtyCopy() throws IOException {
        Path copy = dir.resolve("dirty.hmap");
        try (OffHeapMap<String, byte[]> store = OffHeapMap.of(Codecs.utf8(), Codecs.bytes()).persistTo(file).open()) {
            store.put("one more", new byte[3]);
            Files.copy(file, copy);
        }
        assertFalse(StoreFileInfo.read(copy).clean());
        return copy;
    }

    @Test
    void inspectAndVerify_readOnlyDirtyFile_workAndChangeNothing() throws IOException {
        Path copy = dirtyCopy();
        Files.setLastModifiedTime(copy, FileTime.fromMillis(1_000_000_000L));
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("r--r--r--"));
        byte[] before = Files.readAllBytes(copy);

        Run inspect = execute("inspect", copy.toString());
        assertEquals(0, inspect.exitCode(), inspect.out() + inspect.err());
        assertEquals(List.of("state", "dirty", "(not", "closed", "cleanly;", "hmapstore", "recover", "FILE", "recovers",
                "it)"), inspect.row("state"));
        assertEquals(List.of("writer", "none"), inspect.row("writer"));
        assertEquals(Long.toString(ENTRIES + 1), inspect.row("entries").get(1));
        Run verify = execute("verify", copy.toString());
        assertEquals(0, verify.exitCode(), verify.out() + verify.err());
        assertTrue(verify.out().contains("note: the file was not closed cleanly and no writer is attached"), verify.out());

        // Tests run as root, who may write a read-only file: that nothing was written shows in the bytes.
        assertArrayEquals(before, Files.readAllBytes(copy), "not a byte written");
        assertEquals(1_000_000_000L, Files.getLastModifiedTime(copy).toMillis(), "mtime unchanged");
        assertFalse(StoreFileInfo.read(copy).clean(), "still dirty: nothing was recovered");
    }

    @Test
    void recover_dirtyFileWithAWrongCount_fixesIt_andVerifyRepairDoesTheSame() throws IOException {
        Path copy = dirtyCopy();
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(copy)).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putLong((int) PAGE + 8, ENTRIES + 6);
        Files.write(copy, bytes.array());
        Path second = Files.copy(copy, dir.resolve("second.hmap"));

        Run before = execute("verify", copy.toString());
        assertEquals(1, before.exitCode(), before.out());
        assertTrue(before.out().startsWith("problem: offset 0x" + Long.toHexString(PAGE + 8) + ", segment 0, bucket -:"
                + " expected count = " + (ENTRIES + 1) + " reachable entries, found " + (ENTRIES + 6) + "\n"),
                before.out());
        Run recover = execute("recover", copy.toString());
        assertEquals(0, recover.exitCode(), recover.out() + recover.err());
        assertEquals(copy + ": recovered; " + (ENTRIES + 1) + " entries and "
                + (made.buckets() + made.overflowBuckets()) + " buckets checked, 0 problems\n", recover.out());
        assertTrue(StoreFileInfo.read(copy).clean());
        assertEquals(0, execute("verify", copy.toString()).exitCode());

        Run repair = execute("verify", "--repair", second.toString());
        assertEquals(0, repair.exitCode(), repair.out() + repair.err());
        assertTrue(repair.out().contains("expected count = " + (ENTRIES + 1)), "the first check's problem: " + repair.out());
        assertTrue(repair.out().endsWith(second + ": recovered; " + (ENTRIES + 1) + " entries and "
                + (made.buckets() + made.overflowBuckets()) + " buckets checked, 0 problems\n"), repair.out());
        assertTrue(StoreFileInfo.read(second).clean());
    }

    @Test
    void inspectAndVerify_besideALiveWriterInAnotherProcess_reportItAndLeaveTheFileAlone() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), WriterChild.class.getName(), file.toString()))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader childOut = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            assertEquals("READY", childOut.readLine(), "the writer opened the store");
            byte[] before = Files.readAllBytes(file);

            Run inspect = execute("inspect", file.toString());
            assertEquals(0, inspect.exitCode(), inspect.out() + inspect.err());
            assertEquals(List.of("state", "dirty", "(open", "in", "a", "writer)"), inspect.row("state"));
            assertEquals("attached:", inspect.row("writer").get(1));
            assertEquals(Long.toString(ENTRIES + 1), inspect.row("entries").get(1), "the writer's put shows");
            Run verify = execute("verify", file.toString());
            assertEquals(0, verify.exitCode(), verify.out() + verify.err());
            assertTrue(verify.out().contains("note: a writer is attached"), verify.out());
            Run recover = execute("recover", file.toString());
            assertEquals(2, recover.exitCode());
            assertTrue(recover.err().contains("is open for writing in another process"), recover.err());

            assertArrayEquals(before, Files.readAllBytes(file), "the live file was not written");
            child.getOutputStream().close();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, child.exitValue());
        } finally {
            child.destroyForcibly();
        }
        assertTrue(StoreFileInfo.read(file).clean(), "the writer kept its lock and closed the file clean");
        assertEquals(0, execute("verify", file.toString()).exitCode());
    }

    /** A writer marks its file dirty at its first write, not when it opens it (DirtyMarkTest in store-core). */
    @Test
    void inspect_besideAWriterThatHasNotWrittenYet_saysCleanAndAttached() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), WriterChild.class.getName(), file.toString(), "--no-write"))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader childOut = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            assertEquals("READY", childOut.readLine(), "the writer opened the store");
            Run inspect = execute("inspect", file.toString());
            assertEquals(0, inspect.exitCode(), inspect.out() + inspect.err());
            assertEquals(List.of("state", "clean", "(open", "in", "a", "writer", "that", "has", "not", "written", "to",
                    "it", "yet)"), inspect.row("state"));
            assertEquals(Long.toString(ENTRIES), inspect.row("entries").get(1));
            child.getOutputStream().close();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, child.exitValue());
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void inspect_fileOpenForWritingInThisProcess_exitsTwoWithoutTouchingItsLock() {
        try (OffHeapMap<String, byte[]> store = OffHeapMap.of(Codecs.utf8(), Codecs.bytes()).persistTo(file).open()) {
            Run run = execute("inspect", file.toString());
            assertEquals(2, run.exitCode());
            assertEquals("hmapstore inspect: store file " + file + " is open for writing in this process; use that"
                    + " store's stats() and verify()\n", run.err());
            assertNotEquals(0, store.size());
        }
    }

    @Test
    void help_listsEveryCommandInAWholeSentence_andWrapsEachParagraphFull() {
        Run top = execute("--help");
        assertEquals(0, top.exitCode());
        java.util.Map<String, String> summaries = commandSummaries(top.lines());
        for (String command : List.of("harness", "policies", "inspect", "verify", "recover")) {
            String summary = summaries.get(command);
            assertTrue(summary != null && summary.endsWith("."), "a whole sentence for " + command + ": " + summary);
            Run help = execute(command, "--help");
            assertEquals(0, help.exitCode());
            List<String> lines = help.lines();
            for (int i = 0; i + 1 < lines.size(); i++) {
                String next = lines.get(i + 1);
                if (!next.isEmpty() && Character.isLowerCase(next.charAt(0))) {
                    String word = next.split(" ")[0];
                    assertTrue(lines.get(i).length() + 1 + word.length() >= 80, command + ": line " + i
                            + " was broken early, before '" + word + "':\n" + help.out());
                }
            }
        }
        Run inspect = execute("inspect", "--help");
        assertTrue(inspect.out().replaceAll("\\s+", " ").contains("takes no lock, recovers nothing, writes nothing"),
                inspect.out());
    }

    /** The command list of the top-level help: each command's summary, its wrapped lines joined. */
    private static java.util.Map<String, String> commandSummaries(List<String> help) {
        java.util.Map<String, String> summaries = new java.util.LinkedHashMap<>();
        String current = null;
        for (String line : help.subList(help.indexOf("Commands:") + 1, help.size())) {
            if (line.matches("  \\S.*")) {
                String[] cells = line.trim().split("\\s+", 2);
                current = cells[0];
                summaries.put(current, cells[1]);
            } else {
                summaries.merge(current, " " + line.trim(), String::concat);
            }
        }
        return summaries;
    }
}

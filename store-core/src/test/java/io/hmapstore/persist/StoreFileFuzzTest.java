package io.hmapstore.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hmapstore.Codecs;
import io.hmapstore.Concurrency;
import io.hmapstore.OffHeapMap;
import io.hmapstore.StoreException;
import io.hmapstore.StoreStats;
import io.hmapstore.VerifyReport;
import io.hmapstore.memory.MappedRegion;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Damaged store files, made by a fuzzer: a valid file (a few thousand utf8 → bytes entries, grown
 * several times, with overflow chains and deleted slots) is patched byte by byte and word by word —
 * in the superblock, with or without its checksum resealed, in the segment headers, in the bucket
 * arrays, in heap block headers, anywhere in the heap, words aimed near real blocks — optionally
 * marked dirty so recovery runs, optionally truncated (to a page multiple or not), and
 * then opened, verified, read, iterated and written. Every run must either work or throw a
 * {@link StoreException}: never a JVM crash, a hang, an {@link OutOfMemoryError} or another
 * exception type.
 *
 * <p>{@code mvn test} replays the inputs under
 * {@code src/test/resources/io/hmapstore/persist/StoreFileFuzzTestInputs/damagedFile_opensOrThrowsStoreException/}
 * (the kept corpus and every crash found). To fuzz (docs/FORMAT.md, "Fuzzing"):
 * <pre>
 * JAZZER_FUZZ=1 JAZZER_MAX_DURATION=10m mvn -B -pl store-core -am test \
 *     -Dtest=StoreFileFuzzTest -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
class StoreFileFuzzTest {
    private static final long SEED = 0x5EED;
    private static final int ENTRIES = 2500;
    /** Address space a run reserves: small, since a fuzzed file is never larger than the template. */
    private static final long RESERVE = 256L << 20;
    private static final int STATE_DIRTY = 0x44495254;

    private static final int HANG_SECONDS = 10;
    private static final ExecutorService RUNNER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fuzzed-store");
        t.setDaemon(true);
        return t;
    });

    private static Path directory;
    private static byte[] template;
    /** Where the template's bucket arrays lie: [start, length] pairs. */
    private static long[] arrays;
    /** Offsets in the template that look like live block payloads (a kind and a non-zero generation). */
    private static long[] payloads;
    /** Where the template's heap blocks start (their headers lie at +48 and +56..+63). */
    private static long[] blocks;

    private static synchronized byte[] template() throws IOException {
        if (template == null) {
            directory = Files.createTempDirectory("hmapstore-fuzz");
            Path file = directory.resolve("template.hmap");
            try (OffHeapMap<String, byte[]> store = open(file)) {
                SplittableRandom random = new SplittableRandom(SEED);
                for (int i = 0; i < ENTRIES; i++) {
                    byte[] value = new byte[random.nextInt(48)];
                    random.nextBytes(value);
                    store.put("key-" + i, value);
                }
                for (int i = 0; i < ENTRIES; i += 5) {
                    store.remove("key-" + i);
                }
                StoreStats stats = store.stats();
                assertTrue(stats.growths() >= 3 && stats.overflowBuckets() > 0, "template has growth and overflow: "
                        + stats);
            }
            template = Files.readAllBytes(file);
            arrays = bucketArrays(template);
            payloads = payloads(template);
            blocks = blocks(template);
        }
        return template;
    }

    private static OffHeapMap<String, byte[]> open(Path file) {
        return OffHeapMap.of(Codecs.utf8(), Codecs.bytes()).persistTo(file).concurrency(Concurrency.SINGLE_WRITER)
                .expectedEntries(16).seed(SEED).reserveBytes(RESERVE).open();
    }

    private static long[] bucketArrays(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        long heapStart = 2 * MappedRegion.pageSize();
        java.util.List<Long> found = new java.util.ArrayList<>();
        for (int seg = 0; StoreFiles.segmentHeader(seg) < heapStart; seg++) {
            long h = StoreFiles.segmentHeader(seg);
            long buckets = b.getLong((int) h + StoreFiles.SEG_BUCKETS);
            if (buckets != 0) {
                found.add(buckets);
                found.add(80L << b.get((int) h + StoreFiles.SEG_B));
            }
        }
        return found.stream().mapToLong(Long::longValue).toArray();
    }

    private static long[] blocks(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        java.util.List<Long> found = new java.util.ArrayList<>();
        long top = b.getLong(StoreFiles.HEAP_TOP);
        for (long start = 2 * MappedRegion.pageSize(); start < top; start += MappedRegion.pageSize() << b.getShort(
                (int) start + 62)) {
            found.add(start);
        }
        return found.stream().mapToLong(Long::longValue).toArray();
    }

    private static long[] payloads(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        java.util.List<Long> found = new java.util.ArrayList<>();
        for (int p = (int) (2 * MappedRegion.pageSize()) + 8; p < file.length; p += 8) {
            int kind = file[p - 4];
            if (kind >= 1 && kind <= 4 && b.getInt(p - 8) != 0) {
                found.add((long) p);
            }
        }
        return found.stream().mapToLong(Long::longValue).toArray();
    }

    @AfterAll
    static void deleteFiles() throws IOException {
        RUNNER.shutdownNow();
        if (directory != null) {
            try (Stream<Path> files = Files.walk(directory)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Test
    void template_opensCleanWithEveryEntry() throws IOException {
        Path file = Files.write(Files.createDirectories(directoryFor()).resolve("plain.hmap"), template());
        try (OffHeapMap<String, byte[]> store = open(file)) {
            assertTrue(store.verify().isClean(), store.verify().problems().toString());
            assertEquals(ENTRIES - ENTRIES / 5, store.size());
            assertEquals(store.size(), store.entrySet().stream().count());
        }
    }

    private static Path directoryFor() throws IOException {
        template();
        return directory;
    }

    @FuzzTest(maxDuration = "30s")
    void damagedFile_opensOrThrowsStoreException(FuzzedDataProvider data) throws IOException {
        ByteBuffer file = ByteBuffer.wrap(template().clone()).order(ByteOrder.LITTLE_ENDIAN);
        int length = file.capacity();
        boolean dirty = data.consumeBoolean();
        if (dirty) {
            file.putInt(StoreFiles.STATE, STATE_DIRTY);
        }
        int patches = data.consumeInt(0, 24);
        for (int p = 0; p < patches; p++) {
            long at = switch (data.consumeInt(0, 5)) {
                case 0 -> data.consumeInt(0, StoreFiles.CRC + 3);
                case 1 -> data.consumeInt(StoreFiles.STATE, StoreFiles.STATE + 31);
                case 2 -> StoreFiles.PAGE + data.consumeInt(0, (int) StoreFiles.PAGE - 1);
                case 3 -> {
                    int a = 2 * data.consumeInt(0, arrays.length / 2 - 1);
                    yield arrays[a] + data.consumeLong(0, arrays[a + 1] - 1);
                }
                case 4 -> blocks[data.consumeInt(0, blocks.length - 1)] + data.consumeInt(40, 63);
                default -> data.consumeInt(0, length - 1);
            };
            if (data.consumeBoolean()) {
                if (at + 8 <= length) {
                    // A word: any, or an offset inside the file, or one near a real block's payload
                    // (the wrong pointers that pass a range check and must be caught by the next one).
                    long word = switch (data.consumeInt(0, 2)) {
                        case 0 -> data.consumeLong();
                        case 1 -> data.consumeLong(0, length);
                        default -> payloads[data.consumeInt(0, payloads.length - 1)] + 8L * data.consumeInt(-4, 4);
                    };
                    file.putLong((int) at, word);
                }
            } else {
                file.put((int) at, data.consumeByte());
            }
        }
        if (data.consumeBoolean()) {
            StoreFiles.reseal(file);
        }
        int keep = switch (data.consumeInt(0, 2)) {
            case 0 -> length;
            case 1 -> (int) (data.consumeInt(0, (int) (length / StoreFiles.PAGE)) * StoreFiles.PAGE);
            default -> data.consumeInt(0, length);
        };
        Path path = directory.resolve("fuzzed.hmap");
        Files.write(path, java.util.Arrays.copyOf(file.array(), keep));
        byte[] keys = data.consumeRemainingAsBytes();
        // A hang is a finding: bound each run here, since JUnit's @Timeout would bound the whole
        // fuzzing session instead of one input.
        Future<?> run = RUNNER.submit(() -> exercise(path, keys));
        try {
            run.get(HANG_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("hang: opening, verifying, reading or iterating the damaged file took over "
                    + HANG_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw (RuntimeException) e.getCause();
        }
    }

    /** Opens, verifies, reads, iterates and writes; only StoreException may escape. */
    private static void exercise(Path path, byte[] keys) {
        try {
            io.hmapstore.StoreFileInfo.read(path);
        } catch (StoreException expected) {
            // a superblock that does not check out: open() must refuse it too
        }
        try (OffHeapMap<String, byte[]> store = open(path)) {
            VerifyReport report = store.verify();
            store.stats();
            for (int i = 0; i < 64; i++) {
                store.get("key-" + (i * 37 + (keys.length > 0 ? keys[i % keys.length] & 0xFF : 0)));
            }
            long n = 0;
            for (Map.Entry<String, byte[]> e : store.entrySet()) {
                n += e.getValue().length >= 0 ? 1 : 0;
            }
            if (report.isClean()) {
                for (int i = 0; i < 200; i++) {
                    store.put("new-" + i, new byte[i % 40]);
                    store.remove("key-" + (i * 11));
                }
                store.verify();
            }
            store.size();
            assertTrue(n >= 0);
        } catch (StoreException expected) {
            // refused, as a damaged file must be
        }
    }
}

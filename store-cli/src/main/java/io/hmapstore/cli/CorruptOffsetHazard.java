package io.hmapstore.cli;

import static io.hmapstore.cli.Hazard.Trial.figures;

import io.hmapstore.Codecs;
import io.hmapstore.Concurrency;
import io.hmapstore.CorruptedStoreException;
import io.hmapstore.Guard;
import io.hmapstore.OffHeapMap;
import io.hmapstore.inspect.StoreProbe;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A corrupt offset in a store file, the hunt through {@code /proc/pid/maps} a Go crash dump starts:
 * a store is written to a file and closed; then one stored offset in the file is damaged, as a
 * flipped byte or a stray write would, to point at bytes forged in the superblock page's unused
 * tail; then the file is opened again and the damaged entry looked up. Unguarded, the lookup
 * follows the offset and returns the forged value; guarded, the offset fails its range, alignment
 * or block-kind check and the store throws {@link CorruptedStoreException} naming where it was.
 */
final class CorruptOffsetHazard implements Hazard {
    /** In page 0 past the superblock's last field: bytes nothing reads, so forging there harms nothing else. */
    private static final long FORGED = 0x800;
    private static final long SEED = 42;
    private static final long FORGED_VALUE = 666;
    private static final String KEY = "alice";
    private static final String FORGED_TEXT = "FORGED";

    /** Which stored offset is damaged. */
    enum Target {
        /** a full bucket's link to its overflow bucket, aimed at a forged bucket */
        OVERFLOW_LINK,
        /** a slot's reference to its entry in the entry heap, aimed at a forged entry */
        ENTRY_REFERENCE
    }

    private final Target target;

    CorruptOffsetHazard(Target target) {
        this.target = target;
    }

    @Override
    public About about() {
        return new About(target == Target.OVERFLOW_LINK ? "corrupt-overflow-link" : "corrupt-entry-reference",
                "a corrupt offset in a file: " + (target == Target.OVERFLOW_LINK ? "an overflow link" : "an entry reference"),
                "CorruptionTest, DamagedFileTest, StoreFileFuzzTest", "-", false);
    }

    @Override
    public Trial run(boolean guarded, Settings settings) throws Exception {
        Guard[] off = guarded ? new Guard[0] : new Guard[] {Guard.OFFSET_CHECK};
        return settings.onStoreFile(file -> target == Target.OVERFLOW_LINK ? overflowLink(file, off)
                : entryReference(file, off));
    }

    private static OffHeapMap.Builder<Long, Long> longs(Path file) {
        return OffHeapMap.of(Codecs.longs(), Codecs.longs()).concurrency(Concurrency.SINGLE_WRITER)
                .expectedEntries(1000).seed(SEED).persistTo(file);
    }

    private static OffHeapMap.Builder<String, String> strings(Path file) {
        return OffHeapMap.of(Codecs.utf8(), Codecs.utf8()).concurrency(Concurrency.SINGLE_WRITER).seed(SEED)
                .persistTo(file);
    }

    /**
     * Fills one bucket (8 keys), closes the file, forges a bucket holding a ninth key of the same
     * bucket and aims the full bucket's overflow link at it.
     */
    private static Trial overflowLink(Path file, Guard[] off) throws IOException {
        long link;
        long overflowCount;
        long absent;
        ByteBuffer forged;
        try (OffHeapMap<Long, Long> store = longs(file).open()) {
            StoreProbe probe = StoreProbe.of(store);
            List<Long> keys = sameBucket(probe, 9);
            for (int i = 0; i < 8; i++) {
                store.putLong(keys.get(i), i);
            }
            absent = keys.get(8);
            int seg = probe.segmentOf(absent);
            link = probe.bucketArray(seg) + probe.bucketOf(absent) * probe.bucketSize() + probe.overflowLink();
            overflowCount = probe.overflowCountField(seg);
            MemorySegment bucket = MemorySegment.ofArray(new byte[(int) probe.bucketSize()]);
            bucket.set(ValueLayout.JAVA_BYTE, 0, (byte) probe.tophashOf(absent));
            bucket.set(ValueLayout.JAVA_LONG_UNALIGNED, probe.keyAt(0, 0), absent);
            bucket.set(ValueLayout.JAVA_LONG_UNALIGNED, probe.valueAt(0, 0), FORGED_VALUE);
            forged = bucket.asByteBuffer();
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(forged, FORGED);
            ch.write(u64(FORGED), link);
            ch.write(ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, 1), overflowCount);
        }
        String damage = String.format("overflow link at file offset 0x%x set to 0x%x, a bucket forged there holding "
                + "key %d -> %d", link, FORGED, absent, FORGED_VALUE);
        try (OffHeapMap<Long, Long> store = longs(file).withoutGuards(off).open()) {
            long found = store.getLong(absent, -1);
            var figures = figures("damagedOffset", link, "forgedAt", FORGED, "lookupReturned", found);
            return found == FORGED_VALUE
                    ? Trial.shown(damage + "; get(" + absent + ") followed it and returned the forged " + found, figures)
                    : Trial.prevented(damage + "; get(" + absent + ") returned " + found, figures);
        } catch (CorruptedStoreException e) {
            return refused(damage, e, link);
        } catch (RuntimeException e) {
            return followed(damage, e, link);
        }
    }

    /** Stores one string entry, closes the file, forges an entry with the same key and aims the slot at it. */
    private static Trial entryReference(Path file, Guard[] off) throws IOException {
        long slot;
        try (OffHeapMap<String, String> store = strings(file).open()) {
            store.put(KEY, "the real value");
            slot = onlyKeySlot(StoreProbe.of(store), store.stats().bucketsLog2());
        }
        byte[] key = KEY.getBytes(StandardCharsets.UTF_8);
        byte[] value = FORGED_TEXT.getBytes(StandardCharsets.UTF_8);
        ByteBuffer entry = ByteBuffer.allocate((int) StoreProbe.entryData() + key.length + value.length)
                .order(ByteOrder.nativeOrder()).putInt(key.length).putInt(value.length).put(key).put(value).flip();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(entry, FORGED);
            ch.write(u64(FORGED), slot);
        }
        String damage = String.format("entry reference of key \"%s\" at file offset 0x%x set to 0x%x, an entry "
                + "forged there", KEY, slot, FORGED);
        try (OffHeapMap<String, String> store = strings(file).withoutGuards(off).open()) {
            String found = store.get(KEY);
            var figures = figures("damagedOffset", slot, "forgedAt", FORGED, "lookupReturned", found);
            return FORGED_TEXT.equals(found)
                    ? Trial.shown(damage + "; get(\"" + KEY + "\") followed it and returned \"" + found + "\"", figures)
                    : Trial.prevented(damage + "; get(\"" + KEY + "\") returned " + found, figures);
        } catch (CorruptedStoreException e) {
            return refused(damage, e, slot);
        } catch (RuntimeException e) {
            return followed(damage, e, slot);
        }
    }

    private static Trial refused(String damage, CorruptedStoreException e, long offset) {
        return Trial.prevented(damage + "; CorruptedStoreException: " + e.getMessage(),
                figures("damagedOffset", offset, "forgedAt", FORGED, "exception", e.getClass().getSimpleName(),
                        "message", e.getMessage()));
    }

    /**
     * Opening a file walks what it can reach to rebuild the allocator, so an unchecked offset can be
     * followed there already, into whatever the JDK's own bounds checks stop.
     */
    private static Trial followed(String damage, RuntimeException e, long offset) {
        return Trial.shown(damage + "; the store followed it and threw " + e,
                figures("damagedOffset", offset, "forgedAt", FORGED, "exception", e.getClass().getName(),
                        "message", e.getMessage()));
    }

    /** The first {@code n} keys that share a bucket of one segment (the first key's). */
    private static List<Long> sameBucket(StoreProbe probe, int n) {
        List<Long> keys = new ArrayList<>();
        keys.add(0L);
        for (long k = 1; keys.size() < n; k++) {
            if (probe.segmentOf(k) == probe.segmentOf(0) && probe.bucketOf(k) == probe.bucketOf(0)) {
                keys.add(k);
            }
        }
        return keys;
    }

    /** The key slot of the store's only entry, found by scanning every segment's buckets for a live tophash. */
    private static long onlyKeySlot(StoreProbe probe, int[] log2Buckets) {
        MemorySegment m = probe.memory();
        for (int seg = 0; seg < log2Buckets.length; seg++) {
            long array = probe.bucketArray(seg);
            for (long b = 0; array != 0 && b < (1L << log2Buckets[seg]); b++) {
                long bucket = array + b * probe.bucketSize();
                for (int i = 0; i < StoreProbe.slots(); i++) {
                    if (StoreProbe.isLive(m.get(ValueLayout.JAVA_BYTE, bucket + i) & 0xFF)) {
                        return probe.keyAt(bucket, i);
                    }
                }
            }
        }
        throw new IllegalStateException("the store's only entry was not found in any bucket");
    }

    private static ByteBuffer u64(long value) {
        return ByteBuffer.allocate(Long.BYTES).order(ByteOrder.nativeOrder()).putLong(0, value);
    }
}

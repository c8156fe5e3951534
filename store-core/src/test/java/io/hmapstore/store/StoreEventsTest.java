package io.hmapstore.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hmapstore.Codecs;
import io.hmapstore.Concurrency;
import io.hmapstore.CorruptedStoreException;
import io.hmapstore.OffHeapMap;
import io.hmapstore.StaleViewException;
import io.hmapstore.ValueView;
import io.hmapstore.memory.ReleasePolicy;
import io.hmapstore.table.SegmentHeader;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Records a workload with JFR and reads the store's events back. */
class StoreEventsTest {

    @Test
    void recording_showsGrowEvacuateRetireReleaseStaleAndCorruption(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("store.jfr");
        long entries;
        try (Recording recording = new Recording()) {
            for (String name : List.of("Grow", "Evacuate", "Retire", "Release", "StaleAccess", "Corruption")) {
                recording.enable("io.hmapstore." + name);
            }
            recording.start();
            try (TableStore<Long, String> store = (TableStore<Long, String>) OffHeapMap.of(Codecs.longs(), Codecs.utf8())
                    .concurrency(Concurrency.SINGLE_WRITER).releasePolicy(ReleasePolicy.DONTNEED).seed(7).open()) {
                for (long k = 0; k < 20_000; k++) {
                    store.put(k, "value-" + k);
                }
                entries = store.size();
                ValueView view = store.view(1L);
                store.put(1L, "replaced");
                assertThrows(StaleViewException.class, view::toArray);
                store.clear();
                store.put(5L, "x");
                long array = store.memory().get(ValueLayout.JAVA_LONG, store.table().header(0) + SegmentHeader.BUCKETS);
                for (long b = 0; b < (1L << store.table().log2Buckets(0)); b++) {
                    store.memory().set(ValueLayout.JAVA_LONG, array + b * store.table().layout.size
                            + store.table().layout.overflow, 8L);
                    store.memory().set(ValueLayout.JAVA_LONG, array + b * store.table().layout.size, -1L);
                }
                assertThrows(CorruptedStoreException.class, () -> store.get(6L));
            }
            recording.stop();
            recording.dump(file);
        }
        Map<String, List<RecordedEvent>> byName = RecordingFile.readAllEvents(file).stream()
                .collect(Collectors.groupingBy(e -> e.getEventType().getName(), Collectors.mapping(Function.identity(),
                        Collectors.toList())));
        assertEquals(20_000, entries);
        List<RecordedEvent> grows = byName.getOrDefault("io.hmapstore.Grow", List.of());
        // Sized for 1,024 entries: B = 8 holds 6.5 * 256 = 1,664; 20,000 needs B = 12 (26,624): 4 doublings.
        assertEquals(4, grows.size(), "doublings recorded");
        assertTrue(grows.stream().allMatch(e -> e.getInt("newLog2Buckets") == e.getInt("oldLog2Buckets") + 1));
        assertTrue(byName.getOrDefault("io.hmapstore.Evacuate", List.of()).size() > 100);
        assertTrue(byName.getOrDefault("io.hmapstore.Retire", List.of()).stream()
                .anyMatch(e -> e.getString("kind").equals("bucket array")));
        List<RecordedEvent> releases = byName.getOrDefault("io.hmapstore.Release", List.of());
        assertTrue(releases.stream().allMatch(e -> e.getString("policy").equals("DONTNEED")) && !releases.isEmpty());
        assertEquals(1, byName.getOrDefault("io.hmapstore.StaleAccess", List.of()).size());
        RecordedEvent corruption = byName.get("io.hmapstore.Corruption").get(0);
        assertTrue(corruption.getString("message").contains("segment 0"), corruption.getString("message"));
    }

    @Test
    void compactionRun_isOneCompactEvent_withWhatItMoved(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("compact.jfr");
        long moved;
        try (Recording recording = new Recording()) {
            recording.enable("io.hmapstore.Compact");
            recording.start();
            try (OffHeapMap<Long, String> store = OffHeapMap.of(Codecs.longs(), Codecs.utf8())
                    .concurrency(Concurrency.SINGLE_WRITER).open()) {
                for (long k = 0; k < 20_000; k++) {
                    store.put(k, "value-" + k + "-".repeat(30));
                }
                // Every third key goes: no slab empties, and two thirds in use is above the half at which writes
                // compact by themselves, but within the three quarters compact() takes.
                for (long k = 0; k < 20_000; k++) {
                    if (k % 3 == 0) {
                        store.remove(k);
                    }
                }
                long runsBefore = store.stats().compactions();
                assertEquals(0, runsBefore, "no run due before compact()");
                long movedBefore = store.stats().compactedBytes();
                store.compact();
                assertEquals(runsBefore + 1, store.stats().compactions(), "compact() is one run");
                moved = store.stats().compactedBytes() - movedBefore;
                assertTrue(moved > 0, "compact() moved entries");
            }
            recording.stop();
            recording.dump(file);
        }
        List<RecordedEvent> runs = RecordingFile.readAllEvents(file).stream()
                .filter(e -> e.getEventType().getName().equals("io.hmapstore.Compact")).toList();
        RecordedEvent last = runs.get(runs.size() - 1);
        assertTrue(last.getBoolean("explicit"));
        assertEquals(moved, last.getLong("movedBytes"));
        assertTrue(last.getLong("slabs") > 0 && last.getDouble("fragmentationAfter") < last.getDouble("fragmentationBefore"),
                last.toString());
    }
}

package io.hmapstore.heap;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hmapstore.Codecs;
import io.hmapstore.OffHeapMap;
import io.hmapstore.inspect.StoreProbe;
import io.hmapstore.memory.AddressMap;
import io.hmapstore.memory.MappedRegion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code transparentHugePages()} marks the store's heap for huge pages ({@code MADV_HUGEPAGE}, the
 * {@code hg} flag in {@code /proc/self/smaps}), and so does every extent its growth maps later: the
 * advice is given again for each, so a store that starts small and grows large is advised throughout.
 */
class HugePagesAdviceTest {
    private static final int ENTRIES = 400_000;

    @BeforeAll
    static void kernelHasTransparentHugePages() {
        assumeTrue(Files.exists(Path.of("/sys/kernel/mm/transparent_hugepage/enabled")),
                "this kernel has no transparent huge pages");
    }

    @Test
    void advised_theHeapMappedByGrowthIsMarked() {
        try (OffHeapMap<Long, Long> map = filled(true)) {
            List<String> flags = lastPageFlags(map);
            assertTrue(flags.contains("hg"), "VmFlags of the last mapped page: " + flags);
        }
    }

    @Test
    void notAdvised_theHeapIsNotMarked() {
        try (OffHeapMap<Long, Long> map = filled(false)) {
            List<String> flags = lastPageFlags(map);
            assertFalse(flags.contains("hg"), "VmFlags of the last mapped page: " + flags);
        }
    }

    /** A store opened for a thousand entries and given many more, so its mapping grows several times. */
    private static OffHeapMap<Long, Long> filled(boolean hugePages) {
        OffHeapMap.Builder<Long, Long> builder = OffHeapMap.of(Codecs.longs(), Codecs.longs()).expectedEntries(1_000);
        if (hugePages) {
            builder.transparentHugePages();
        }
        OffHeapMap<Long, Long> map = builder.open();
        try {
            long initial = StoreProbe.of(map).region().size();
            for (long k = 0; k < ENTRIES; k++) {
                map.putLong(k, k);
            }
            assertTrue(StoreProbe.of(map).region().size() >= 4 * initial,
                    "the mapping grew from " + initial + " to " + StoreProbe.of(map).region().size() + " bytes");
            return map;
        } catch (RuntimeException | Error e) {
            map.close();
            throw e;
        }
    }

    /** The VmFlags of the mapping that holds the store's last mapped page: memory its growth mapped. */
    private static List<String> lastPageFlags(OffHeapMap<Long, Long> map) {
        MappedRegion region = StoreProbe.of(map).region();
        return AddressMap.vmFlags(region.address() + region.size() - MappedRegion.pageSize()).orElseThrow();
    }
}

package io.hmapstore.jcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hmapstore.Codecs;
import io.hmapstore.memory.AddressMap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cache configured for transparent huge pages, in code or in the configuration file, has its store's
 * memory advised ({@code MADV_HUGEPAGE}: the {@code hg} flag in {@code /proc/self/smaps}); one not so
 * configured does not. The test looks only at what the process shows: the mappings that carry the flag
 * after the cache has grown, and not before it was made.
 */
class HugePagesCacheTest extends ProviderTestBase {
    private static final int ENTRIES = 200_000;

    @TempDir
    Path dir;

    @BeforeAll
    static void kernelHasTransparentHugePages() {
        assumeTrue(Files.exists(Path.of("/sys/kernel/mm/transparent_hugepage/enabled")),
                "this kernel has no transparent huge pages");
    }

    @Test
    void configuredInCode_theStoresMemoryIsAdvised() {
        Set<AddressMap.Mapping> advised = advisedWhileFilling(() -> provider.getCacheManager().createCache("big",
                HmapConfiguration.of(Codecs.longs(), Codecs.longs()).transparentHugePages(true)));
        assertFalse(advised.isEmpty(), "no mapping made while the cache grew carries the hg flag");
    }

    @Test
    void notConfigured_nothingIsAdvised() {
        Set<AddressMap.Mapping> advised = advisedWhileFilling(() -> provider.getCacheManager().createCache("big",
                HmapConfiguration.of(Codecs.longs(), Codecs.longs())));
        assertEquals(Set.of(), advised, "mappings made while the cache grew that carry the hg flag");
    }

    @Test
    void configuredInTheFile_aCacheCreatedByNameIsAdvised() throws IOException {
        Path file = Files.writeString(dir.resolve("c.properties"), """
                default.transparentHugePages=true
                cache.small.transparentHugePages=false
                """);
        CacheManager manager = provider.getCacheManager(file.toUri(), getClass().getClassLoader());
        Cache<Object, Object> small = manager.createCache("small", new MutableConfiguration<>());
        assertFalse(configurationOf(small).isTransparentHugePages(), "its section says false");

        Set<AddressMap.Mapping> advised = advisedWhileFilling(() -> manager.createCache("big", new MutableConfiguration<>()));
        assertFalse(advised.isEmpty(), "no mapping made while the cache grew carries the hg flag");
        assertTrue(configurationOf(manager.getCache("big")).isTransparentHugePages());
    }

    /** Makes a cache, fills it so that its store maps memory several times, and lists what was advised. */
    @SuppressWarnings("unchecked")
    private static Set<AddressMap.Mapping> advisedWhileFilling(Supplier<Cache<?, ?>> make) {
        Set<AddressMap.Mapping> before = advisedRanges();
        Cache<Object, Object> cache = (Cache<Object, Object>) make.get();
        for (long k = 0; k < ENTRIES; k++) {
            cache.put(k, k);
        }
        assertEquals(ENTRIES - 1L, cache.get(ENTRIES - 1L));
        Set<AddressMap.Mapping> after = advisedRanges();
        after.removeAll(before);
        return after;
    }

    /** The mappings whose {@code VmFlags} include {@code hg}. */
    private static Set<AddressMap.Mapping> advisedRanges() {
        Set<AddressMap.Mapping> advised = new HashSet<>();
        AddressMap.vmFlags().forEach((mapping, flags) -> {
            if (flags.contains("hg")) {
                advised.add(mapping);
            }
        });
        return advised;
    }
}

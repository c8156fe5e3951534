package io.hmapstore.jcache;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hmapstore.memory.MappedRegion;
import javax.cache.Cache;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A fresh provider for each test, closed after it, and a check that every store its caches opened was
 * unmapped (a test may replace {@link #provider} to simulate a restart; the last one is closed).
 */
abstract class ProviderTestBase {

    /** The provider under test. */
    protected HmapCachingProvider provider;
    private long regionsBefore;

    @BeforeEach
    final void openProvider() {
        regionsBefore = MappedRegion.openRegions();
        provider = new HmapCachingProvider();
    }

    @AfterEach
    final void closeProviderAndCheckForLeaks() {
        provider.close();
        assertEquals(regionsBefore, MappedRegion.openRegions(), "every store a cache opened is unmapped");
    }

    /** The configuration a cache runs with, hmapstore's options included. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static HmapConfiguration<?, ?> configurationOf(Cache<?, ?> cache) {
        return (HmapConfiguration<?, ?>) cache.getConfiguration((Class) HmapConfiguration.class);
    }
}

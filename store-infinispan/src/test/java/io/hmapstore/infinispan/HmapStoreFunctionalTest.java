package io.hmapstore.infinispan;

import org.infinispan.configuration.cache.ConfigurationBuilder;
import org.infinispan.configuration.cache.PersistenceConfigurationBuilder;
import org.infinispan.persistence.BaseStoreFunctionalTest;
import org.testng.annotations.Test;

/**
 * Infinispan's own functional store tests ({@link BaseStoreFunctionalTest}: caches, preload,
 * passivation, iteration, eviction and reload, purge racing updates) through a cache manager, with
 * the store segmented (16 segments here; {@link HmapStoreUnsegmentedFunctionalTest} without).
 */
@Test(groups = "unit", testName = "hmapstore.HmapStoreFunctionalTest")
public class HmapStoreFunctionalTest extends BaseStoreFunctionalTest {
    private final int segments;
    private final boolean segmented;

    /** The store segmented, 16 segments. */
    public HmapStoreFunctionalTest() {
        this(16, true);
    }

    /**
     * @param segments the cache's segment count
     * @param segmented whether the store keeps a table per segment
     */
    protected HmapStoreFunctionalTest(int segments, boolean segmented) {
        this.segments = segments;
        this.segmented = segmented;
    }

    @Override
    protected String parameters() {
        return "[" + segments + ", " + segmented + "]";
    }

    @Override
    protected ConfigurationBuilder getDefaultCacheConfiguration() {
        ConfigurationBuilder builder = super.getDefaultCacheConfiguration();
        builder.clustering().hash().numSegments(segments);
        return builder;
    }

    @Override
    protected PersistenceConfigurationBuilder createCacheStoreConfig(PersistenceConfigurationBuilder persistence,
            String cacheName, boolean preload) {
        persistence.addStore(HmapStoreConfigurationBuilder.class)
                .segmented(segmented)
                .purgeOnStartup(false)
                .preload(preload);
        return persistence;
    }
}

package io.hmapstore.infinispan;

import org.infinispan.commons.util.Util;
import org.infinispan.configuration.cache.Configuration;
import org.infinispan.configuration.cache.ConfigurationBuilder;
import org.infinispan.persistence.BaseNonBlockingStoreTest;
import org.infinispan.persistence.spi.NonBlockingStore;
import org.infinispan.testing.Testing;
import org.testng.annotations.AfterClass;
import org.testng.annotations.Test;

/**
 * Infinispan's own store conformance tests ({@link BaseNonBlockingStoreTest}) against an
 * unsegmented store: one table for the whole cache, segments filtered by Infinispan.
 */
@Test(groups = "unit", testName = "hmapstore.HmapStoreUnsegmentedTest")
public class HmapStoreUnsegmentedTest extends BaseNonBlockingStoreTest {

    @AfterClass(alwaysRun = true)
    protected void removeFiles() {
        Util.recursiveFileRemove(Testing.tmpDirectory(getClass()));
    }

    @Override
    protected NonBlockingStore<Object, Object> createStore() {
        return new HmapStore<>();
    }

    @Override
    protected Configuration buildConfig(ConfigurationBuilder builder) {
        builder.clustering().hash().numSegments(16);
        return builder.persistence().addStore(HmapStoreConfigurationBuilder.class).segmented(false).build();
    }
}

package io.hmapstore.infinispan;

import org.testng.annotations.Test;

/** Infinispan's functional store tests with the store unsegmented: one table for the whole cache. */
@Test(groups = "unit", testName = "hmapstore.HmapStoreUnsegmentedFunctionalTest")
public class HmapStoreUnsegmentedFunctionalTest extends HmapStoreFunctionalTest {
    /** 256 segments in the cache, one table in the store. */
    public HmapStoreUnsegmentedFunctionalTest() {
        super(256, false);
    }
}

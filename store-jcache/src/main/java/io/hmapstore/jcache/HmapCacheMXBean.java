package io.hmapstore.jcache;

import javax.cache.configuration.CompleteConfiguration;
import javax.cache.management.CacheMXBean;

/**
 * A cache's configuration as JMX shows it, registered as {@code javax.cache:type=CacheConfiguration,...}
 * while management is enabled. Reads the live configuration, so it follows
 * {@code enableStatistics}/{@code enableManagement} and listener registrations.
 */
final class HmapCacheMXBean implements CacheMXBean {
    private final HmapCache<?, ?> cache;

    HmapCacheMXBean(HmapCache<?, ?> cache) {
        this.cache = cache;
    }

    private CompleteConfiguration<?, ?> config() {
        return cache.snapshot();
    }

    @Override
    public String getKeyType() {
        return config().getKeyType().getName();
    }

    @Override
    public String getValueType() {
        return config().getValueType().getName();
    }

    @Override
    public boolean isReadThrough() {
        return config().isReadThrough();
    }

    @Override
    public boolean isWriteThrough() {
        return config().isWriteThrough();
    }

    @Override
    public boolean isStoreByValue() {
        return config().isStoreByValue();
    }

    @Override
    public boolean isStatisticsEnabled() {
        return config().isStatisticsEnabled();
    }

    @Override
    public boolean isManagementEnabled() {
        return config().isManagementEnabled();
    }
}

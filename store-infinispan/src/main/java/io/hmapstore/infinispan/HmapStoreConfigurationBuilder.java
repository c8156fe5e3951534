package io.hmapstore.infinispan;

import static io.hmapstore.infinispan.HmapStoreConfiguration.EXPECTED_ENTRIES;
import static io.hmapstore.infinispan.HmapStoreConfiguration.PATH;
import static io.hmapstore.infinispan.HmapStoreConfiguration.RESERVE_BYTES;
import static io.hmapstore.infinispan.HmapStoreConfiguration.SYNC_WRITES;
import static org.infinispan.configuration.cache.AbstractStoreConfiguration.SHARED;

import org.infinispan.commons.configuration.Combine;
import org.infinispan.commons.configuration.attributes.AttributeSet;
import org.infinispan.commons.CacheConfigurationException;
import org.infinispan.configuration.cache.AbstractStoreConfigurationBuilder;
import org.infinispan.configuration.cache.PersistenceConfigurationBuilder;
import org.infinispan.configuration.global.GlobalConfiguration;

/**
 * Configures an {@link HmapStore} as Infinispan's own stores are configured:
 *
 * <pre>{@code
 * builder.persistence()
 *        .addStore(HmapStoreConfigurationBuilder.class)
 *        .path("/var/lib/app/hmap")      // optional with global state enabled
 *        .expectedEntries(1_000_000)
 *        .preload(true);
 * }</pre>
 */
public class HmapStoreConfigurationBuilder
        extends AbstractStoreConfigurationBuilder<HmapStoreConfiguration, HmapStoreConfigurationBuilder> {
    private static final long MIN_RESERVE = 1L << 20;

    /** @param builder the cache's persistence builder (Infinispan calls this through {@code addStore}) */
    public HmapStoreConfigurationBuilder(PersistenceConfigurationBuilder builder) {
        super(builder, HmapStoreConfiguration.attributeDefinitionSet());
    }

    /**
     * @param builder the cache's persistence builder
     * @param attributes the attribute set to fill
     */
    public HmapStoreConfigurationBuilder(PersistenceConfigurationBuilder builder, AttributeSet attributes) {
        super(builder, attributes);
    }

    @Override
    public HmapStoreConfigurationBuilder self() {
        return this;
    }

    /**
     * @param path the directory of this cache's table files (each node its own); relative paths resolve
     *     against the global state's persistent location
     * @return this
     */
    public HmapStoreConfigurationBuilder path(String path) {
        attributes.attribute(PATH).set(path);
        return this;
    }

    /**
     * @param entries how many entries the store is expected to hold in all (a sizing hint)
     * @return this
     */
    public HmapStoreConfigurationBuilder expectedEntries(long entries) {
        attributes.attribute(EXPECTED_ENTRIES).set(entries);
        return this;
    }

    /**
     * @param bytes address space reserved per table (costs no memory; a table never grows past it)
     * @return this
     */
    public HmapStoreConfigurationBuilder reserveBytes(long bytes) {
        attributes.attribute(RESERVE_BYTES).set(bytes);
        return this;
    }

    /**
     * @param sync whether each write is msynced before it is acknowledged
     * @return this
     */
    public HmapStoreConfigurationBuilder syncWrites(boolean sync) {
        attributes.attribute(SYNC_WRITES).set(sync);
        return this;
    }

    @Override
    public void validate() {
        super.validate();
        long expected = attributes.attribute(EXPECTED_ENTRIES).get();
        if (expected < 0) {
            throw new CacheConfigurationException("hmap-store: expected-entries must be 0 or more, was " + expected);
        }
        long reserve = attributes.attribute(RESERVE_BYTES).get();
        if (reserve != 0 && reserve < MIN_RESERVE) {
            throw new CacheConfigurationException("hmap-store: reserve-bytes must be 0 (the default) or at least "
                    + MIN_RESERVE + " (1 MiB), was " + reserve);
        }
        if (attributes.attribute(SHARED).get()) {
            throw new CacheConfigurationException("hmap-store: shared=\"true\" is not supported: its files are"
                    + " locked by one node's process; give each node its own path");
        }
    }

    @Override
    public void validate(GlobalConfiguration globalConfig) {
        if (!globalConfig.globalState().enabled() && attributes.attribute(PATH).isNull()) {
            throw new CacheConfigurationException("hmap-store: set a path, or enable global state"
                    + " (its persistent-location is then the default)");
        }
        super.validate(globalConfig);
    }

    @Override
    public HmapStoreConfiguration create() {
        return new HmapStoreConfiguration(attributes.protect(), async.create());
    }

    @Override
    public HmapStoreConfigurationBuilder read(HmapStoreConfiguration template, Combine combine) {
        super.read(template, combine);
        return this;
    }
}

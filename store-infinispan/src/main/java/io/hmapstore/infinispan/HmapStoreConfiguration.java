package io.hmapstore.infinispan;

import org.infinispan.commons.configuration.BuiltBy;
import org.infinispan.commons.configuration.attributes.AttributeDefinition;
import org.infinispan.commons.configuration.attributes.AttributeSet;
import org.infinispan.configuration.cache.AbstractStoreConfiguration;
import org.infinispan.configuration.cache.AsyncStoreConfiguration;
import org.infinispan.commons.configuration.ConfigurationFor;

/**
 * The configuration of an {@link HmapStore}: Infinispan's common store attributes (preload, purge,
 * segmented, shared, ...) plus where the files go and how the tables are sized.
 *
 * <p>Built with {@link HmapStoreConfigurationBuilder} ({@code persistence().addStore(HmapStoreConfigurationBuilder.class)})
 * or read from {@code <hmap-store xmlns="urn:hmapstore:infinispan:store:1.0" .../>}.
 */
@BuiltBy(HmapStoreConfigurationBuilder.class)
@ConfigurationFor(HmapStore.class)
public class HmapStoreConfiguration extends AbstractStoreConfiguration<HmapStoreConfiguration> {
    /** The directory; by default {@code <global state persistent location>/<cache>/hmap}. */
    static final AttributeDefinition<String> PATH =
            AttributeDefinition.builder("path", null, String.class).immutable().global(false).build();
    /** A sizing hint for the whole store, spread over the segments' tables (not a limit). */
    static final AttributeDefinition<Long> EXPECTED_ENTRIES =
            AttributeDefinition.builder("expected-entries", 0L).immutable().build();
    /** Address space reserved per table; 0 picks 4 GiB per segment table, 64 GiB for an unsegmented store. */
    static final AttributeDefinition<Long> RESERVE_BYTES =
            AttributeDefinition.builder("reserve-bytes", 0L).immutable().build();
    /** msync every write before acknowledging it (durable against power loss, not just a crash). */
    static final AttributeDefinition<Boolean> SYNC_WRITES =
            AttributeDefinition.builder("sync-writes", false).immutable().build();

    /** @return the attributes, Infinispan's common store ones first */
    public static AttributeSet attributeDefinitionSet() {
        return new AttributeSet(HmapStoreConfiguration.class, AbstractStoreConfiguration.attributeDefinitionSet(),
                PATH, EXPECTED_ENTRIES, RESERVE_BYTES, SYNC_WRITES);
    }

    /**
     * @param attributes the protected attributes
     * @param async the write-behind configuration
     */
    public HmapStoreConfiguration(AttributeSet attributes, AsyncStoreConfiguration async) {
        super(HmapStoreElement.HMAP_STORE, attributes, async);
    }

    /** @return the configured directory, or null for the global state's persistent location */
    public String path() {
        return attributes.attribute(PATH).get();
    }

    /** @return the sizing hint for the whole store, 0 if none */
    public long expectedEntries() {
        return attributes.attribute(EXPECTED_ENTRIES).get();
    }

    /** @return the address space reserved per table, 0 for the default */
    public long reserveBytes() {
        return attributes.attribute(RESERVE_BYTES).get();
    }

    /** @return whether every write is msynced before it is acknowledged */
    public boolean syncWrites() {
        return attributes.attribute(SYNC_WRITES).get();
    }
}

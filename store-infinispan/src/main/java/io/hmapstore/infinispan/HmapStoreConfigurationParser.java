package io.hmapstore.infinispan;

import org.infinispan.commons.configuration.io.ConfigurationReader;
import org.infinispan.configuration.cache.ConfigurationBuilder;
import org.infinispan.configuration.parsing.CacheParser;
import org.infinispan.configuration.parsing.ConfigurationBuilderHolder;
import org.infinispan.configuration.parsing.ConfigurationParser;
import org.infinispan.configuration.parsing.Namespace;
import org.infinispan.configuration.parsing.ParseUtils;

/**
 * Reads {@code <hmap-store>} inside a cache's {@code <persistence>}:
 *
 * <pre>{@code
 * <persistence>
 *   <hmap-store xmlns="urn:hmapstore:infinispan:store:1.0" path="/var/lib/app/hmap"
 *               expected-entries="1000000" preload="true"/>
 * </persistence>
 * }</pre>
 *
 * <p>Found by Infinispan's {@code ParserRegistry} through {@code META-INF/services}. Its own
 * attributes are {@code path}, {@code expected-entries}, {@code reserve-bytes} and
 * {@code sync-writes}; every other attribute and child element ({@code preload}, {@code purge},
 * {@code segmented}, {@code write-behind}, {@code property}, ...) is Infinispan's common store
 * syntax, parsed by Infinispan's own code. An unknown attribute is refused, naming it.
 */
@Namespace(root = "hmap-store")
@Namespace(uri = HmapStoreConfigurationParser.NAMESPACE + "*", root = "hmap-store", since = "1.0")
public class HmapStoreConfigurationParser implements ConfigurationParser {
    /** The XML namespace, without its version. */
    public static final String NAMESPACE = "urn:hmapstore:infinispan:store:";

    @Override
    public void readElement(ConfigurationReader reader, ConfigurationBuilderHolder holder) {
        if (!HmapStoreElement.HMAP_STORE.toString().equals(reader.getLocalName())) {
            throw ParseUtils.unexpectedElement(reader);
        }
        ConfigurationBuilder builder = holder.getCurrentConfigurationBuilder();
        HmapStoreConfigurationBuilder store = builder.persistence().addStore(HmapStoreConfigurationBuilder.class);
        for (int i = 0; i < reader.getAttributeCount(); i++) {
            ParseUtils.requireNoNamespaceAttribute(reader, i);
            String value = reader.getAttributeValue(i);
            switch (reader.getAttributeName(i)) {
                case "path" -> store.path(value);
                case "expected-entries" -> store.expectedEntries(Long.parseLong(value));
                case "reserve-bytes" -> store.reserveBytes(Long.parseLong(value));
                case "sync-writes" -> store.syncWrites(Boolean.parseBoolean(value));
                default -> CacheParser.parseStoreAttribute(reader, i, store);
            }
        }
        while (reader.inTag()) {
            CacheParser.parseStoreElement(reader, store);
        }
    }

    @Override
    public Namespace[] getNamespaces() {
        return ParseUtils.getNamespaceAnnotations(getClass());
    }
}

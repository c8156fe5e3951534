package io.hmapstore.infinispan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.infinispan.Cache;
import org.infinispan.commons.CacheConfigurationException;
import org.infinispan.configuration.cache.Configuration;
import org.infinispan.configuration.cache.ConfigurationBuilder;
import org.infinispan.configuration.cache.StoreConfiguration;
import org.infinispan.configuration.global.GlobalConfigurationBuilder;
import org.infinispan.configuration.parsing.ConfigurationBuilderHolder;
import org.infinispan.configuration.parsing.ParserRegistry;
import org.infinispan.manager.DefaultCacheManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The XML element and the builder as a user meets them, and the errors a wrong configuration gets. */
class HmapStoreConfigurationTest {
    @TempDir
    Path dir;

    @Test
    void xmlElementConfiguresTheStore() {
        Configuration c = parse("""
                <hmap-store xmlns="urn:hmapstore:infinispan:store:1.0" path="/var/lib/app/hmap"
                            expected-entries="1000000" reserve-bytes="2147483648" sync-writes="true"
                            preload="true" segmented="false"/>""");
        StoreConfiguration store = c.persistence().stores().get(0);
        HmapStoreConfiguration hmap = (HmapStoreConfiguration) store;
        assertEquals("/var/lib/app/hmap", hmap.path());
        assertEquals(1_000_000, hmap.expectedEntries());
        assertEquals(2L << 30, hmap.reserveBytes());
        assertTrue(hmap.syncWrites());
        assertTrue(hmap.preload());
        assertEquals(false, hmap.segmented());
    }

    @Test
    void readmeExampleFileParses() throws Exception {
        ConfigurationBuilderHolder holder = new ParserRegistry()
                .parse(getClass().getClassLoader().getResource("hmap-cluster-example.xml"));
        Configuration c = holder.getNamedConfigurationBuilders().get("orders").build();
        assertEquals(2, c.clustering().hash().numOwners());
        assertEquals(64, c.clustering().hash().numSegments());
        HmapStoreConfiguration hmap = (HmapStoreConfiguration) c.persistence().stores().get(0);
        assertEquals(1_000_000, hmap.expectedEntries());
        assertTrue(hmap.segmented());
    }

    @Test
    void unknownAttributeIsRefusedByName() {
        RuntimeException e = assertThrows(RuntimeException.class, () -> parse("""
                <hmap-store xmlns="urn:hmapstore:infinispan:store:1.0" expected-entrees="10"/>"""));
        assertTrue(messages(e).contains("expected-entrees"), messages(e));
    }

    @Test
    void pathOrGlobalStateIsRequired() {
        ConfigurationBuilder b = new ConfigurationBuilder();
        b.persistence().addStore(HmapStoreConfigurationBuilder.class);
        CacheConfigurationException e = assertThrows(CacheConfigurationException.class,
                () -> b.validate(new GlobalConfigurationBuilder().build()));
        assertTrue(e.getMessage().contains("set a path, or enable global state"), e.getMessage());
    }

    @Test
    void sharedIsRefused() {
        ConfigurationBuilder b = new ConfigurationBuilder();
        b.persistence().addStore(HmapStoreConfigurationBuilder.class).shared(true);
        RuntimeException e = assertThrows(RuntimeException.class, b::build);
        assertTrue(messages(e).contains("shared"), messages(e));
    }

    @Test
    void changedSegmentCountIsRefusedNamingBoth() throws Exception {
        try (DefaultCacheManager m = manager()) {
            m.defineConfiguration("c", withSegments(16));
            Cache<String, String> c = m.getCache("c");
            c.put("k", "v");
        }
        try (DefaultCacheManager m = manager()) {
            m.defineConfiguration("c", withSegments(32));
            RuntimeException e = assertThrows(RuntimeException.class, () -> m.getCache("c"));
            String all = messages(e);
            assertTrue(all.contains("segments=16") && all.contains("segments=32"), all);
        }
        try (DefaultCacheManager m = manager()) {
            m.defineConfiguration("c", withSegments(16));
            assertEquals("v", m.<String, String>getCache("c").get("k"), "the files are intact");
        }
    }

    private DefaultCacheManager manager() {
        GlobalConfigurationBuilder g = new GlobalConfigurationBuilder().nonClusteredDefault();
        g.globalState().enable().persistentLocation(dir.toString());
        return new DefaultCacheManager(g.build());
    }

    private static Configuration withSegments(int n) {
        ConfigurationBuilder b = new ConfigurationBuilder();
        b.clustering().hash().numSegments(n);
        b.persistence().addStore(HmapStoreConfigurationBuilder.class);
        return b.build();
    }

    private static Configuration parse(String store) {
        String xml = """
                <infinispan>
                  <cache-container>
                    <local-cache name="c">
                      <persistence>
                        %s
                      </persistence>
                    </local-cache>
                  </cache-container>
                </infinispan>""".formatted(store);
        ConfigurationBuilderHolder holder = new ParserRegistry().parse(xml);
        return holder.getNamedConfigurationBuilders().get("c").build();
    }

    private static String messages(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            sb.append(t).append('\n');
        }
        return sb.toString();
    }
}

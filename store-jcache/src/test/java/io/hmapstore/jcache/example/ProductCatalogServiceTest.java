package io.hmapstore.jcache.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hmapstore.jcache.HmapCachingProvider;
import io.hmapstore.memory.MappedRegion;
import java.net.URI;
import javax.cache.CacheManager;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.Test;

/** Keeps the example honest: it runs, caches, and leaves no mapping behind. */
class ProductCatalogServiceTest {

    @Test
    void secondLookup_isAHit_andTheRepositoryIsCalledOnce() {
        // A manager of our own: the default one is shared with whatever ran before in this JVM.
        CachingProvider provider = new HmapCachingProvider();
        long regions = MappedRegion.openRegions();
        long calls = ProductCatalogService.SlowRepository.CALLS.get();
        try (CacheManager manager = provider.getCacheManager(URI.create("urn:hmapstore:example-test"), null);
                ProductCatalogService service = new ProductCatalogService(manager)) {
            ProductCatalogService.Product first = service.product(7);
            ProductCatalogService.Product second = service.product(7);
            assertEquals(first, second);
            assertEquals(calls + 1, ProductCatalogService.SlowRepository.CALLS.get());
            assertEquals(1, service.statistics().getCacheHits());
            assertEquals(1, service.statistics().getCacheMisses());
            assertEquals(regions + 1, MappedRegion.openRegions());
        }
        assertEquals(regions, MappedRegion.openRegions());
    }

    @Test
    void main_runsToTheEnd() {
        ProductCatalogService.main(new String[0]);
    }
}

package io.hmapstore.jcache.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hmapstore.memory.MappedRegion;
import org.junit.jupiter.api.Test;

/** Keeps the example honest: it runs, caches, and leaves no mapping behind. */
class ProductCatalogServiceTest {

    @Test
    void secondLookup_isAHit_andTheRepositoryIsCalledOnce() {
        long regions = MappedRegion.openRegions();
        long calls = ProductCatalogService.SlowRepository.CALLS.get();
        try (ProductCatalogService service = new ProductCatalogService()) {
            ProductCatalogService.Product first = service.product(7);
            ProductCatalogService.Product second = service.product(7);
            assertEquals(first, second);
            assertEquals(calls + 1, ProductCatalogService.SlowRepository.CALLS.get());
            assertEquals(1, service.statistics().getCacheHits());
            assertEquals(1, service.statistics().getCacheMisses());
        }
        assertEquals(regions, MappedRegion.openRegions());
    }

    @Test
    void main_runsToTheEnd_withoutLeaking() {
        long regions = MappedRegion.openRegions();
        ProductCatalogService.main(new String[0]);
        assertEquals(regions, MappedRegion.openRegions());
    }
}

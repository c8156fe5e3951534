import io.hmapstore.jcache.HmapCachingProvider;
import javax.cache.spi.CachingProvider;

/**
 * hmapstore as a JSR-107 (JCache) provider: {@code Caching.getCachingProvider()} finds it on the module
 * path as on the class path. {@code cache.api} is the JCache API jar's automatic module name.
 */
module io.hmapstore.jcache {
    requires transitive io.hmapstore.core;
    requires transitive cache.api;
    requires java.management;

    exports io.hmapstore.jcache;
    exports io.hmapstore.jcache.example;

    provides CachingProvider with HmapCachingProvider;
}

/**
 * hmapstore as a JCache (JSR-107) provider: caches whose entries live off the Java heap in
 * {@link io.hmapstore.OffHeapMap} tables, found by {@code javax.cache.Caching} through
 * {@code META-INF/services/javax.cache.spi.CachingProvider}.
 *
 * <p>The public types are the ones JCache users meet: {@link io.hmapstore.jcache.HmapCachingProvider},
 * {@link io.hmapstore.jcache.HmapCacheManager}, {@link io.hmapstore.jcache.HmapCache} (what
 * {@code unwrap} gives), {@link io.hmapstore.jcache.HmapConfiguration} (the store's codecs and a
 * sizing hint on top of {@code MutableConfiguration}), {@link io.hmapstore.jcache.SerializingCodec},
 * and the entry and event classes. Listener dispatch, the mutable entry of entry processors,
 * statistics and MBean registration are package-private.
 *
 * <p>This layer sits on {@code store-core}'s public API only and calls down: the store knows
 * nothing of expiry, listeners or loaders. Entries are bytes (store-by-value); an entry's expiry
 * time is stored in front of its value. The official TCK runs in this module's build.
 */
package io.hmapstore.jcache;

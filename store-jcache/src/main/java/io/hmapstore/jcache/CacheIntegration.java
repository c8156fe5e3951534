package io.hmapstore.jcache;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.cache.Cache;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;

/**
 * A cache's {@link CacheLoader} and {@link CacheWriter}: read-through and write-through as JSR-107
 * has them. Whatever a loader or writer throws reaches the caller as a {@link CacheLoaderException}
 * or {@link CacheWriterException}, the original as its cause.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class CacheIntegration<K, V> {
    private final String cacheName;
    /** The configured loader, read-through or not ({@code loadAll} and entry processors use it). */
    private final CacheLoader<K, V> loader;
    /** Made for {@code <? super K, ? super V>}: it accepts our K and V, which is all we hand it. */
    private final CacheWriter<K, V> writer;
    private final boolean readThrough;
    private final boolean writeThrough;
    /** Runs {@code loadAll}. Guarded by {@code this}. */
    private ExecutorService executor;

    @SuppressWarnings("unchecked")
    CacheIntegration(String cacheName, HmapConfiguration<K, V> configuration) {
        this.cacheName = cacheName;
        this.loader = configuration.getCacheLoaderFactory() == null ? null : configuration.getCacheLoaderFactory().create();
        this.writer = configuration.getCacheWriterFactory() == null ? null
                : (CacheWriter<K, V>) configuration.getCacheWriterFactory().create();
        this.readThrough = configuration.isReadThrough() && loader != null;
        this.writeThrough = configuration.isWriteThrough() && writer != null;
    }

    /** Whether a miss is loaded. */
    boolean readThrough() {
        return readThrough;
    }

    /** Whether changes are written to the writer. */
    boolean writeThrough() {
        return writeThrough;
    }

    /** @return the loader, or {@code null} when none is configured */
    CacheLoader<K, V> loader() {
        return loader;
    }

    /** @return the loader for entry processors: only a read-through cache loads for them */
    CacheLoader<K, V> readThroughLoader() {
        return readThrough ? loader : null;
    }

    /** Writes an entry through, if write-through. */
    void write(K key, V value) {
        if (!writeThrough) {
            return;
        }
        try {
            writer.write(new HmapCacheEntry<>(key, value));
        } catch (CacheWriterException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CacheWriterException("the cache writer failed to write key " + key, e);
        }
    }

    /** Deletes a key through, if write-through. */
    void delete(K key) {
        if (!writeThrough) {
            return;
        }
        try {
            writer.delete(key);
        } catch (CacheWriterException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CacheWriterException("the cache writer failed to delete key " + key, e);
        }
    }

    /**
     * Hands entries to the writer's {@code writeAll}, which removes from the collection what it
     * wrote; what remains was not written (the spec's partial-success contract).
     *
     * @return the writer's failure, for the caller to throw once it has stored what was written, or
     *     {@code null}
     */
    CacheWriterException writeAll(Collection<Cache.Entry<? extends K, ? extends V>> entries) {
        try {
            writer.writeAll(entries);
            return null;
        } catch (CacheWriterException e) {
            return e;
        } catch (RuntimeException e) {
            return new CacheWriterException("the cache writer failed in writeAll", e);
        }
    }

    /**
     * Hands keys to the writer's {@code deleteAll}, which removes from the collection what it
     * deleted.
     *
     * @return the writer's failure, or {@code null}
     */
    CacheWriterException deleteAll(Collection<K> keys) {
        try {
            writer.deleteAll(keys);
            return null;
        } catch (CacheWriterException e) {
            return e;
        } catch (RuntimeException e) {
            return new CacheWriterException("the cache writer failed in deleteAll", e);
        }
    }

    /** Loads one key (the loader is there). @return its value, or {@code null} */
    V load(K key) {
        try {
            return loader.load(key);
        } catch (CacheLoaderException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CacheLoaderException("the cache loader failed to load key " + key, e);
        }
    }

    /** Loads many keys (the loader is there). @return what it found, never {@code null} */
    Map<K, V> loadAll(List<K> keys) {
        try {
            Map<K, V> loaded = loader.loadAll(keys);
            return loaded == null ? Map.of() : loaded;
        } catch (CacheLoaderException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CacheLoaderException("the cache loader failed to load " + keys.size() + " keys", e);
        }
    }

    /** Runs a {@code loadAll} in the background. */
    void inBackground(Runnable task) {
        ExecutorService e;
        synchronized (this) {
            if (executor == null) {
                executor = Executors.newCachedThreadPool(CacheResources.daemonThreads(cacheName, "loader"));
            }
            e = executor;
        }
        e.execute(task);
    }

    /** Closes the loader and writer where they are {@link java.io.Closeable}. */
    void closeLoaderAndWriter() {
        CacheResources.closeQuietly(loader, cacheName);
        CacheResources.closeQuietly(writer, cacheName);
    }

    /** Waits for background loads to finish. */
    void shutdown() {
        ExecutorService e;
        synchronized (this) {
            e = executor;
        }
        CacheResources.shutdown(e, cacheName);
    }
}

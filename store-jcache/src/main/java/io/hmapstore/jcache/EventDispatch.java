package io.hmapstore.jcache;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import javax.cache.Cache;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.event.EventType;

/**
 * A cache's entry listeners and the delivery of its events to them.
 *
 * <p>Implementation notes. An operation collects its events in a {@link Batch} while it changes the
 * store, and {@link Batch#fire fires} the batch once the store is changed, still holding its key's
 * lock: synchronous listeners are called there and then, so a key's events reach them in the order
 * they happened; asynchronous ones get the batch through one single-threaded executor, which keeps
 * that order too. When nobody listens, nothing is collected and old values are not decoded.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class EventDispatch<K, V> {

    private final Cache<K, V> source;
    private final String cacheName;
    private final CacheCodecs<K, V> codecs;
    private final CopyOnWriteArrayList<ListenerRegistration<K, V>> listeners = new CopyOnWriteArrayList<>();
    /** Runs asynchronous listeners, one event batch after another. Guarded by {@code this}. */
    private ExecutorService executor;

    /**
     * @param source the cache the events are about
     * @param cacheName its name, for threads and logs
     * @param codecs decode the old values events carry
     * @param configurations the listeners configured at creation
     */
    EventDispatch(Cache<K, V> source, String cacheName, CacheCodecs<K, V> codecs,
            Iterable<CacheEntryListenerConfiguration<K, V>> configurations) {
        this.source = source;
        this.cacheName = cacheName;
        this.codecs = codecs;
        for (CacheEntryListenerConfiguration<K, V> listener : configurations) {
            listeners.add(new ListenerRegistration<>(listener));
        }
    }

    /** Whether anyone listens; decoding old values only for events is wasted otherwise. */
    boolean listening() {
        return !listeners.isEmpty();
    }

    /** Adds a listener (its factories make it here, and may throw). */
    void register(CacheEntryListenerConfiguration<K, V> configuration) {
        listeners.add(new ListenerRegistration<>(configuration));
    }

    void deregister(CacheEntryListenerConfiguration<K, V> configuration) {
        listeners.removeIf(r -> r.configuration.equals(configuration));
    }

    /** @return an empty batch for one operation's events */
    Batch batch() {
        return new Batch();
    }

    /** Closes the listeners and waits for the asynchronous deliveries queued. */
    void close() {
        for (ListenerRegistration<K, V> registration : listeners) {
            CacheResources.closeQuietly(registration.listener, cacheName);
        }
        ExecutorService e;
        synchronized (this) {
            e = executor;
        }
        CacheResources.shutdown(e, cacheName);
    }

    /** The events one operation produced, delivered once it has changed the store. */
    final class Batch {
        private List<HmapCacheEntryEvent<K, V>> list;

        void created(K key, V value) {
            add(new HmapCacheEntryEvent<>(source, EventType.CREATED, key, value, null, false));
        }

        void updated(K key, V value, byte[] oldRecord) {
            if (listening()) {
                add(new HmapCacheEntryEvent<>(source, EventType.UPDATED, key, value, codecs.value(oldRecord), true));
            }
        }

        void removed(K key, byte[] oldRecord) {
            gone(EventType.REMOVED, key, oldRecord);
        }

        void expired(K key, byte[] oldRecord) {
            gone(EventType.EXPIRED, key, oldRecord);
        }

        private void gone(EventType type, K key, byte[] oldRecord) {
            if (listening()) {
                V old = codecs.value(oldRecord);
                add(new HmapCacheEntryEvent<>(source, type, key, old, old, true));
            }
        }

        private void add(HmapCacheEntryEvent<K, V> event) {
            if (listening()) {
                if (list == null) {
                    list = new ArrayList<>(2);
                }
                list.add(event);
            }
        }

        /**
         * Delivers to synchronous listeners now and queues for asynchronous ones. Called with the
         * key's lock held, so a key's events reach every listener in the order they happened.
         * Firing twice delivers once.
         *
         * @throws javax.cache.event.CacheEntryListenerException what the first failing synchronous
         *     listener threw (the others still get the events)
         */
        void fire() {
            List<HmapCacheEntryEvent<K, V>> events = list;
            if (events == null) {
                return;
            }
            list = null;
            RuntimeException failure = null;
            Error error = null;
            for (ListenerRegistration<K, V> registration : listeners) {
                if (!registration.synchronous) {
                    submitAsync(registration, events);
                    continue;
                }
                try {
                    registration.deliver(events);
                } catch (RuntimeException e) {
                    failure = first(failure, e);
                } catch (Error e) {
                    error = first(error, e);
                }
            }
            if (error != null) {
                throw error;
            }
            if (failure != null) {
                throw failure;
            }
        }
    }

    private static <T extends Throwable> T first(T first, T next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    private void submitAsync(ListenerRegistration<K, V> registration, List<HmapCacheEntryEvent<K, V>> events) {
        try {
            executor().execute(() -> {
                try {
                    registration.deliver(events);
                } catch (RuntimeException e) {
                    CacheResources.LOG.log(System.Logger.Level.WARNING, "asynchronous cache entry listener failed on cache " + cacheName, e);
                }
            });
        } catch (RejectedExecutionException e) {
            CacheResources.LOG.log(System.Logger.Level.DEBUG, "cache " + cacheName + " closed before its events were delivered", e);
        }
    }

    private synchronized ExecutorService executor() {
        if (executor == null) {
            executor = Executors.newSingleThreadExecutor(CacheResources.daemonThreads(cacheName, "events"));
        }
        return executor;
    }
}

package io.hmapstore.jcache;

import java.util.ArrayList;
import java.util.List;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Factory;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryEventFilter;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryListener;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.event.EventType;

/**
 * One registered {@link CacheEntryListener}: the listener and filter its configuration's factories
 * made, and how it wants its events.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class ListenerRegistration<K, V> {
    final CacheEntryListenerConfiguration<K, V> configuration;
    final CacheEntryListener<? super K, ? super V> listener;
    private final CacheEntryEventFilter<? super K, ? super V> filter;
    private final boolean oldValueRequired;
    final boolean synchronous;

    ListenerRegistration(CacheEntryListenerConfiguration<K, V> configuration) {
        this.configuration = configuration;
        this.listener = configuration.getCacheEntryListenerFactory().create();
        Factory<CacheEntryEventFilter<? super K, ? super V>> filterFactory =
                configuration.getCacheEntryEventFilterFactory();
        this.filter = filterFactory == null ? null : filterFactory.create();
        this.oldValueRequired = configuration.isOldValueRequired();
        this.synchronous = configuration.isSynchronous();
    }

    /**
     * Hands the events this listener subscribed to, and its filter lets through, to it. Events
     * arrive in the order they happened; consecutive events of one type go in one call.
     *
     * @param events what one cache operation did
     * @throws CacheEntryListenerException wrapping whatever the listener or filter threw (errors
     *     pass unwrapped)
     */
    void deliver(List<HmapCacheEntryEvent<K, V>> events) {
        List<CacheEntryEvent<? extends K, ? extends V>> run = new ArrayList<>();
        EventType runType = null;
        try {
            for (HmapCacheEntryEvent<K, V> event : events) {
                if (!subscribed(event.getEventType()) || (filter != null && !filter.evaluate(event))) {
                    continue;
                }
                if (runType != null && runType != event.getEventType()) {
                    call(runType, run);
                    run = new ArrayList<>();
                }
                runType = event.getEventType();
                run.add(oldValueRequired ? event : event.withoutOldValue());
            }
            if (runType != null) {
                call(runType, run);
            }
        } catch (CacheEntryListenerException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CacheEntryListenerException("listener " + listener.getClass().getName() + " failed", e);
        }
    }

    private boolean subscribed(EventType type) {
        return switch (type) {
            case CREATED -> listener instanceof CacheEntryCreatedListener;
            case UPDATED -> listener instanceof CacheEntryUpdatedListener;
            case REMOVED -> listener instanceof CacheEntryRemovedListener;
            case EXPIRED -> listener instanceof CacheEntryExpiredListener;
        };
    }

    // The listener was made for <? super K, ? super V>; our events carry exactly K and V.
    @SuppressWarnings("unchecked")
    private void call(EventType type, List<CacheEntryEvent<? extends K, ? extends V>> events) {
        switch (type) {
            case CREATED -> ((CacheEntryCreatedListener<K, V>) listener).onCreated(events);
            case UPDATED -> ((CacheEntryUpdatedListener<K, V>) listener).onUpdated(events);
            case REMOVED -> ((CacheEntryRemovedListener<K, V>) listener).onRemoved(events);
            case EXPIRED -> ((CacheEntryExpiredListener<K, V>) listener).onExpired(events);
        }
    }
}

package io.hmapstore.jcache;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.cache.CacheException;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;

/**
 * A cache's entry processors: {@code invoke} and {@code invokeAll}. The processor runs with its key's
 * stripe held on a {@link ProcessorEntry}, which records what it did; only the net effect is then
 * applied (see {@link ProcessorEntry} for how it is decided), so a processor that throws changes
 * nothing.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class Invocations<K, V> extends CacheOperations<K, V> {

    Invocations(CacheParts<K, V> parts) {
        super(parts);
    }

    <T> T invoke(K key, EntryProcessor<K, V, T> entryProcessor, Object... arguments) {
        Objects.requireNonNull(entryProcessor, "entryProcessor");
        long start = statistics.start();
        byte[] k = codecs.keyBytes(key);
        return ops.locked(k, (now, events) -> {
            byte[] current = ops.live(k, key, now, events);
            statistics.get(start, current != null);
            // The read is timed as a get; a put or removal the processor makes is timed from here.
            long applied = statistics.enabled() ? System.nanoTime() : start;
            ProcessorEntry<K, V> entry = new ProcessorEntry<>(key, current != null,
                    () -> codecs.value(current), integration.readThroughLoader());
            T result;
            try {
                result = entryProcessor.process(entry, arguments);
            } catch (CacheException e) {
                events.fire();
                throw e;
            } catch (RuntimeException e) {
                events.fire();
                throw new EntryProcessorException(e);
            }
            apply(k, key, entry, current, now, events, applied);
            return result;
        });
    }

    /** Does what the processor's net operation asks for. */
    private void apply(byte[] k, K key, ProcessorEntry<K, V> entry, byte[] current, long now,
            EventDispatch<K, V>.Batch events, long start) {
        V value = entry.newValue();
        switch (entry.operation()) {
            case NONE -> { }
            case ACCESS -> ops.accessed(k, current, now);
            case CREATE, LOAD -> {
                codecs.checkTypes(key, value);
                boolean create = entry.operation() == ProcessorEntry.Operation.CREATE;
                if (create) {
                    integration.write(key, value);
                }
                if (ops.create(k, key, value, codecs.record(value), now, events) && create) {
                    statistics.put(start, 1);
                }
            }
            case UPDATE -> {
                codecs.checkTypes(key, value);
                integration.write(key, value);
                ops.update(k, key, value, codecs.record(value), current, now, events);
                statistics.put(start, 1);
            }
            case REMOVE -> {
                integration.delete(key);
                if (current != null) {
                    ops.remove(k, key, current, events);
                    statistics.removed(start, 1);
                }
            }
        }
    }

    <T> Map<K, EntryProcessorResult<T>> invokeAll(Set<? extends K> keys,
            EntryProcessor<K, V, T> entryProcessor, Object... arguments) {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(entryProcessor, "entryProcessor");
        requireNoNullKey(keys);
        Map<K, EntryProcessorResult<T>> results = new HashMap<>();
        for (K key : keys) {
            try {
                checkOpen.run();
                T result = invoke(key, entryProcessor, arguments);
                if (result != null) {
                    results.put(key, () -> result);
                }
            } catch (RuntimeException e) {
                EntryProcessorException failure = e instanceof EntryProcessorException epe ? epe
                        : new EntryProcessorException(e);
                results.put(key, () -> {
                    throw failure;
                });
            }
        }
        return results;
    }
}

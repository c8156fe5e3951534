package io.hmapstore.jcache;

import java.util.Objects;
import java.util.function.Supplier;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.processor.MutableEntry;

/**
 * The entry an {@link javax.cache.processor.EntryProcessor} sees in {@code invoke}. It records what
 * the processor did and the cache applies only the net effect afterwards, so a processor that
 * throws changes nothing, and one that sets then removes a new entry writes nothing through.
 *
 * <p>Implementation notes: the net operation follows the JSR-107 reference implementation's
 * {@code EntryProcessorEntry}, whose behaviour the TCK pins down: reading an existing value is an
 * access; reading a missing one loads it when the cache is read-through (a load is stored but not
 * written through); setting a value creates or updates depending on whether the entry existed when
 * {@code invoke} began; removing what this processor created or loaded leaves nothing to do.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class ProcessorEntry<K, V> implements MutableEntry<K, V> {

    /** What the cache must do once the processor returns. */
    enum Operation { NONE, ACCESS, CREATE, LOAD, UPDATE, REMOVE }

    private final K key;
    private final boolean existed;
    private final Supplier<V> stored;
    private final CacheLoader<K, V> loader;
    private V value;
    private Operation operation = Operation.NONE;

    /**
     * @param key the key
     * @param existed whether a live entry was there when {@code invoke} began
     * @param stored decodes that entry's value (called at most once)
     * @param loader the read-through loader, or {@code null}
     */
    ProcessorEntry(K key, boolean existed, Supplier<V> stored, CacheLoader<K, V> loader) {
        this.key = key;
        this.existed = existed;
        this.stored = stored;
        this.loader = loader;
    }

    Operation operation() {
        return operation;
    }

    /** @return the value the cache should store for CREATE, LOAD and UPDATE */
    V newValue() {
        return value;
    }

    @Override
    public K getKey() {
        return key;
    }

    @Override
    public V getValue() {
        if (operation == Operation.NONE && existed && value == null) {
            value = stored.get();
        }
        if (value != null) {
            if (operation == Operation.NONE) {
                operation = Operation.ACCESS;
            }
        } else if (loader != null) {
            try {
                value = loader.load(key);
            } catch (CacheLoaderException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new CacheLoaderException("the cache loader failed to load key " + key, e);
            }
            if (value != null) {
                operation = Operation.LOAD;
            }
        }
        return value;
    }

    @Override
    public boolean exists() {
        return (operation == Operation.NONE && existed) || value != null;
    }

    @Override
    public void remove() {
        operation = operation == Operation.CREATE || operation == Operation.LOAD ? Operation.NONE : Operation.REMOVE;
        value = null;
    }

    @Override
    public void setValue(V newValue) {
        Objects.requireNonNull(newValue, "value");
        operation = existed ? Operation.UPDATE : Operation.CREATE;
        value = newValue;
    }

    @Override
    public <T> T unwrap(Class<T> clazz) {
        if (clazz.isInstance(this)) {
            return clazz.cast(this);
        }
        throw new IllegalArgumentException("a mutable entry does not unwrap to " + clazz.getName());
    }
}

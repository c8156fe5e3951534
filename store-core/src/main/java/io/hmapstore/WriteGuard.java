package io.hmapstore;

/**
 * A user check run before every write, as Go engineers inject an assertion into
 * {@code runtime.mapassign}. A store without one pays nothing for the feature.
 *
 * @param <K> key type
 * @param <V> value type
 */
@FunctionalInterface
public interface WriteGuard<K, V> {
    /**
     * Decides whether a write may happen.
     *
     * @param key the key written
     * @param newValue the value about to be stored, or {@code null} when the key is being removed
     * @return {@code null} to allow the write, or the reason it is refused
     */
    String check(K key, V newValue);
}

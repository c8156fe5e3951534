package io.hmapstore;

import com.google.common.collect.testing.ConcurrentMapTestSuiteBuilder;
import com.google.common.collect.testing.SampleElements;
import com.google.common.collect.testing.TestMapGenerator;
import com.google.common.collect.testing.features.CollectionFeature;
import com.google.common.collect.testing.features.CollectionSize;
import com.google.common.collect.testing.features.MapFeature;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import junit.framework.Test;
import junit.framework.TestSuite;

/**
 * Guava-testlib's {@link ConcurrentMapTestSuiteBuilder} over {@code Long→String} and {@code String→String}
 * stores, in both concurrency modes: the whole {@code ConcurrentMap} contract, its key set, values and
 * entry set included. Runs on the JUnit vintage engine (a JUnit 3 {@code suite()} method; RECIPES.md).
 *
 * <p>{@code byte[]} values are not covered here: guava's testers compare values with {@code equals}, which
 * is identity for arrays, so no store of {@code byte[]} (nor a {@code HashMap}) can pass them.
 * {@link OraclePropertiesTest} covers {@code String→byte[]} and {@code byte[]→Long} against a model instead,
 * comparing with {@link java.util.Arrays#equals(byte[], byte[])}.
 */
public final class OffHeapMapGuavaSuiteTest {

    private OffHeapMapGuavaSuiteTest() {
    }

    /** @return one suite per (key/value types × concurrency mode) */
    public static Test suite() {
        TestSuite suite = new TestSuite("OffHeapMap ConcurrentMap contract");
        for (StoreFactory factory : StoreFactory.modes()) {
            suite.addTest(suiteFor("Long->String " + factory, factory, Codecs.longs(), Codecs.utf8(),
                    new SampleElements<>(1L, -2L, 0L, Long.MIN_VALUE, 3_000_000_000L),
                    new SampleElements<>("one", "", "drei", "четыре", "v".repeat(300)),
                    Long[]::new, String[]::new));
            suite.addTest(suiteFor("String->String " + factory, factory, Codecs.utf8(), Codecs.utf8(),
                    new SampleElements<>("", "one", "zwei", "ключ", "k".repeat(300)),
                    new SampleElements<>("a", "", "ccc", "δδ", "w".repeat(1000)),
                    String[]::new, String[]::new));
        }
        return suite;
    }

    private static <K, V> Test suiteFor(String name, StoreFactory factory, Codec<K> keys, Codec<V> values,
            SampleElements<K> sampleKeys, SampleElements<V> sampleValues,
            IntFunction<K[]> keyArray, IntFunction<V[]> valueArray) {
        StoreGenerator<K, V> generator = new StoreGenerator<>(factory, keys, values,
                SampleElements.mapEntries(sampleKeys, sampleValues), keyArray, valueArray);
        return ConcurrentMapTestSuiteBuilder.using(generator)
                .named(name)
                .withFeatures(
                        CollectionSize.ANY,
                        MapFeature.GENERAL_PURPOSE,
                        CollectionFeature.SUPPORTS_ITERATOR_REMOVE)
                .withTearDown(generator::closeAll)
                .createTestSuite();
    }

    /** Opens a fresh store per test and remembers it, so the tear-down hook can close it. */
    private static final class StoreGenerator<K, V> implements TestMapGenerator<K, V> {
        private final StoreFactory factory;
        private final Codec<K> keys;
        private final Codec<V> values;
        private final SampleElements<Map.Entry<K, V>> samples;
        private final IntFunction<K[]> keyArray;
        private final IntFunction<V[]> valueArray;
        private final List<OffHeapMap<K, V>> opened = new ArrayList<>();

        StoreGenerator(StoreFactory factory, Codec<K> keys, Codec<V> values, SampleElements<Map.Entry<K, V>> samples,
                IntFunction<K[]> keyArray, IntFunction<V[]> valueArray) {
            this.factory = factory;
            this.keys = keys;
            this.values = values;
            this.samples = samples;
            this.keyArray = keyArray;
            this.valueArray = valueArray;
        }

        @Override
        public SampleElements<Map.Entry<K, V>> samples() {
            return samples;
        }

        @Override
        public Map<K, V> create(Object... elements) {
            OffHeapMap<K, V> map = factory.open(keys, values);
            synchronized (opened) {
                opened.add(map);
            }
            for (Object element : elements) {
                @SuppressWarnings("unchecked")
                Map.Entry<K, V> entry = (Map.Entry<K, V>) element;
                map.put(entry.getKey(), entry.getValue());
            }
            return map;
        }

        @Override
        @SuppressWarnings("unchecked")
        public Map.Entry<K, V>[] createArray(int length) {
            return (Map.Entry<K, V>[]) new Map.Entry<?, ?>[length];
        }

        @Override
        public Iterable<Map.Entry<K, V>> order(List<Map.Entry<K, V>> insertionOrder) {
            return insertionOrder;
        }

        @Override
        public K[] createKeyArray(int length) {
            return keyArray.apply(length);
        }

        @Override
        public V[] createValueArray(int length) {
            return valueArray.apply(length);
        }

        void closeAll() {
            synchronized (opened) {
                for (OffHeapMap<K, V> map : opened) {
                    map.close();
                }
                opened.clear();
            }
        }
    }
}

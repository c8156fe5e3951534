package io.hmapstore;

import io.hmapstore.memory.ReleasePolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * One way of opening a store, so a test can run over every backing (STYLE.md: "run each test over every
 * backing", as the JDK's {@code TestSegments} does): anonymous or file-backed, single-writer or concurrent,
 * under a release policy.
 *
 * @param concurrency the store's concurrency mode
 * @param releasePolicy how the store gives memory back
 * @param fileBacked whether the store lives in a file ({@link #builder(Codec, Codec, Path)} names it)
 */
public record StoreFactory(Concurrency concurrency, ReleasePolicy releasePolicy, boolean fileBacked) {

    /** The release policies that apply to anonymous memory (PUNCH_HOLE needs a file; PAGEOUT and COLD keep the bytes as KEEP does). */
    static final List<ReleasePolicy> ANONYMOUS_POLICIES = List.of(
            ReleasePolicy.KEEP, ReleasePolicy.ZERO, ReleasePolicy.DONTNEED, ReleasePolicy.FREE, ReleasePolicy.UNMAP);

    /**
     * An anonymous factory.
     *
     * @param concurrency the store's concurrency mode
     * @param releasePolicy how the store gives memory back
     */
    public StoreFactory(Concurrency concurrency, ReleasePolicy releasePolicy) {
        this(concurrency, releasePolicy, false);
    }

    /** @return both concurrency modes with the default release policy */
    public static List<StoreFactory> modes() {
        return List.of(new StoreFactory(Concurrency.SINGLE_WRITER, ReleasePolicy.DONTNEED),
                new StoreFactory(Concurrency.CONCURRENT, ReleasePolicy.DONTNEED));
    }

    /**
     * @return both concurrency modes crossed with every anonymous release policy, and file-backed stores in
     *     both modes under PUNCH_HOLE (the file default) and DONTNEED
     */
    public static List<StoreFactory> all() {
        List<StoreFactory> all = new ArrayList<>();
        for (Concurrency c : Concurrency.values()) {
            for (ReleasePolicy p : ANONYMOUS_POLICIES) {
                all.add(new StoreFactory(c, p));
            }
            all.add(new StoreFactory(c, ReleasePolicy.PUNCH_HOLE, true));
            all.add(new StoreFactory(c, ReleasePolicy.DONTNEED, true));
        }
        return List.copyOf(all);
    }

    /**
     * @param keys key codec
     * @param values value codec
     * @param <K> key type
     * @param <V> value type
     * @return a builder configured by this factory
     */
    public <K, V> OffHeapMap.Builder<K, V> builder(Codec<K> keys, Codec<V> values) {
        if (fileBacked) {
            throw new IllegalStateException(this + " is file-backed: use builder(keys, values, file)");
        }
        return OffHeapMap.of(keys, values).concurrency(concurrency).releasePolicy(releasePolicy);
    }

    /**
     * @param keys key codec
     * @param values value codec
     * @param file the store's file, used only if this factory is file-backed
     * @param <K> key type
     * @param <V> value type
     * @return a builder configured by this factory
     */
    public <K, V> OffHeapMap.Builder<K, V> builder(Codec<K> keys, Codec<V> values, Path file) {
        OffHeapMap.Builder<K, V> b = OffHeapMap.of(keys, values).concurrency(concurrency).releasePolicy(releasePolicy);
        return fileBacked ? b.persistTo(file) : b;
    }

    /** @param dir a directory, deleted with everything in it */
    static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Opens a store with a small starting size, so that tests reach growth quickly.
     *
     * @param keys key codec
     * @param values value codec
     * @param <K> key type
     * @param <V> value type
     * @return the open store
     */
    public <K, V> OffHeapMap<K, V> open(Codec<K> keys, Codec<V> values) {
        return builder(keys, values).expectedEntries(8).open();
    }

    @Override
    public String toString() {
        return (fileBacked ? "file " : "") + concurrency + "/" + releasePolicy;
    }
}

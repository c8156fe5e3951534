package io.hmapstore;

import java.nio.file.Path;

/**
 * What a store file's superblock says, read without opening the store (no lock, no recovery).
 *
 * @param path the file
 * @param fileBytes its length
 * @param formatVersion the format version
 * @param pageSize the page size it was written with
 * @param keyCodec the key codec's identity
 * @param keySize the key codec's fixed size, or -1
 * @param valueCodec the value codec's identity
 * @param valueSize the value codec's fixed size, or -1
 * @param segments the number of segments
 * @param initialLog2Buckets B of a segment's first array
 * @param seed the hash seed
 * @param clean whether the file was closed cleanly (a dirty one is recovered when opened)
 * @param heapTop the end of the used heap
 */
public record StoreFileInfo(Path path, long fileBytes, int formatVersion, int pageSize, String keyCodec, int keySize,
        String valueCodec, int valueSize, int segments, int initialLog2Buckets, long seed, boolean clean,
        long heapTop) {

    /**
     * Reads and checks a file's superblock.
     *
     * @param path the file
     * @return what it says
     * @throws StoreException if the file is not a store, is damaged, or cannot be read
     */
    public static StoreFileInfo read(Path path) {
        return io.hmapstore.store.Stores.describeFile(path);
    }

    /** @return a key codec that reads this file's keys as raw bytes */
    public Codec<byte[]> rawKeys() {
        return Codecs.raw(keyCodec, keySize);
    }

    /** @return a value codec that reads this file's values as raw bytes */
    public Codec<byte[]> rawValues() {
        return Codecs.raw(valueCodec, valueSize);
    }
}

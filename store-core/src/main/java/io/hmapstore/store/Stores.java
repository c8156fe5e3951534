package io.hmapstore.store;

import io.hmapstore.OffHeapMap;
import io.hmapstore.StoreException;
import io.hmapstore.StoreFileInfo;
import io.hmapstore.StoreFileSnapshot;
import io.hmapstore.heap.NativeFailure;
import io.hmapstore.memory.NativeCallException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The one factory through which the API ({@code io.hmapstore}) reaches the store layer: opening a store
 * from the builder's settings, describing a file, a read-only look at one, and the one write that makes
 * opening a file recover it whatever its state. Not part of the public API: the module exports only
 * {@code io.hmapstore} and {@code io.hmapstore.inspect}, and an architecture test keeps every other
 * class of the API away from this package.
 */
public final class Stores {
    private Stores() {
    }

    /**
     * Opens a store; see {@link io.hmapstore.OffHeapMap.Builder#open}.
     *
     * @param config the builder's settings, checked
     * @param <K> the key type
     * @param <V> the value type
     * @return the open store
     */
    public static <K, V> OffHeapMap<K, V> open(StoreConfig<K, V> config) {
        try {
            return new TableStore<>(config);
        } catch (NativeCallException e) {
            throw NativeFailure.of(config.file() != null ? "cannot open store file " + config.file()
                    : "cannot map " + config.reserveBytes() + " bytes of anonymous memory for the store", e);
        }
    }

    /**
     * Reads a store file's superblock; see {@link io.hmapstore.StoreFileInfo#read}.
     *
     * @param path the file
     * @return what its superblock says
     */
    public static StoreFileInfo describeFile(Path path) {
        return StoreFile.describe(path);
    }

    /**
     * Maps a store file read-only; see {@link io.hmapstore.StoreFiles#openReadOnly}.
     *
     * @param path the file
     * @return the snapshot; close it to unmap the file
     */
    public static StoreFileSnapshot openReadOnly(Path path) {
        return ReadOnlyStore.open(path);
    }

    /**
     * Readies a file for {@link io.hmapstore.StoreFiles#recover}: checks that no writer is attached, that
     * its superblock is sound and that it was made without bounds or expiry (a recovering open must
     * match them, and only the application knows its bounds), then marks it dirty so that the next
     * open recovers it. The state field lies outside the superblock's checksum for this reason.
     *
     * @param path the file
     * @return what its superblock says
     * @throws StoreException naming the file and why it cannot be recovered here
     */
    public static StoreFileInfo markForRecovery(Path path) {
        StoreFileInfo info;
        try (ReadOnlyStore look = ReadOnlyStore.open(path)) {
            if (look.writerAttached()) {
                throw new StoreException("store file " + path + " is open for writing in another process; a writer"
                        + " recovers a dirty file as it opens it, so recover it only once that process has closed it");
            }
            if (!look.superblockSound()) {
                throw new StoreException("store file " + path + " has a damaged superblock (hmapstore verify lists"
                        + " it); recovery rebuilds the table from a sound superblock and cannot repair that");
            }
            if (look.features() != 0) {
                throw new StoreException("store file " + path + " was made with a bound or expiry; recover it by"
                        + " opening it with the application's own settings (maxEntries, maxBytes, expireAfterWrite)");
            }
            info = look.info();
        }
        ByteBuffer dirty = ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.nativeOrder()).putInt(0, StoreHeader.DIRTY);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
            channel.write(dirty, StoreHeader.STATE);
        } catch (IOException e) {
            throw StoreFile.ioFailure("cannot write store file", path, e);
        }
        return info;
    }
}

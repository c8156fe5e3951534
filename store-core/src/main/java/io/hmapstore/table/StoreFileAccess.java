package io.hmapstore.table;

import io.hmapstore.StoreException;
import io.hmapstore.StoreFileInfo;
import io.hmapstore.StoreFileSnapshot;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The table package's side of {@link io.hmapstore.StoreFiles}: a read-only look at a store file, and
 * the one write that makes opening a file recover it whatever its state. Not part of the public API.
 */
public final class StoreFileAccess {
    private StoreFileAccess() {
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

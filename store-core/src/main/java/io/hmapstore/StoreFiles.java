package io.hmapstore;

import io.hmapstore.store.Stores;
import java.nio.file.Path;

/**
 * Tools for store files as files, for {@code hmapstore inspect}, {@code verify} and {@code recover}:
 * a read-only look, and recovery on demand. Neither needs the application's codecs: keys and values
 * are read as raw bytes under the codec identities the file records.
 */
public final class StoreFiles {
    /** Address space reserved for a file being recovered: it may grow while recovery finishes a grow. */
    private static final long MIN_RESERVE = 64L << 30;

    private StoreFiles() {
    }

    /**
     * Maps a store file read-only, taking no lock and writing nothing, even beside a live writer or on
     * a file the caller may not write. A damaged superblock field does not stop it: {@code verify()}
     * lists it.
     *
     * @param path the file
     * @return the snapshot; close it to unmap the file
     * @throws StoreException if the file cannot be read, or is not a store file of this format and page
     *     size (too short for a superblock, another magic, another version), or is open for writing in
     *     this same process (look at it through that store)
     */
    public static StoreFileSnapshot openReadOnly(Path path) {
        return Stores.openReadOnly(path);
    }

    /**
     * Recovers a store file as opening a file found dirty does (FORMAT.md, "Recovery"), whatever its
     * state: an interrupted grow rolled back or finished, counts recounted, unreachable blocks freed;
     * then checks it and closes it clean. It opens the file as its writer, so no other process may
     * have it open.
     *
     * @param path the file
     * @return the check of the recovered file
     * @throws StoreException if a writer is attached, the superblock is damaged, the file was made with
     *     a bound or expiry, or an offset recovery must follow is damaged (each named in the message)
     */
    public static VerifyReport recover(Path path) {
        StoreFileInfo info = Stores.markForRecovery(path);
        try (OffHeapMap<byte[], byte[]> store = OffHeapMap.of(info.rawKeys(), info.rawValues()).persistTo(path)
                .concurrency(Concurrency.SINGLE_WRITER).reserveBytes(Math.max(MIN_RESERVE, 2 * info.fileBytes()))
                .open()) {
            return store.verify();
        }
    }
}

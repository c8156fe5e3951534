package io.hmapstore.store;

import io.hmapstore.Codec;
import io.hmapstore.CorruptedStoreException;
import io.hmapstore.StoreException;
import io.hmapstore.heap.EntryHeap;
import io.hmapstore.heap.NativeFailure;
import io.hmapstore.heap.SmallBlocks;
import io.hmapstore.memory.MappedRegion;
import io.hmapstore.memory.NativeCallException;
import io.hmapstore.table.HashTable;
import io.hmapstore.table.SegmentHeader;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;

/**
 * Opening, checking, recovering and closing a store's file. Owns the lock that keeps a second
 * process from opening the same file for writing, and the clean/dirty state of the superblock.
 *
 * <p>Implementation notes. A file is trusted in order: its length (at least a page, a whole number of
 * pages, so no access can fall past its end and fault), the superblock's magic, version and CRC, then
 * its codecs and page size against the caller's, then every dynamic field by range. Only then is
 * anything else read, and everything else is read through the table's checked accessors. Whether the
 * file is clean or dirty, the allocator's free lists are rebuilt from what the segments reach
 * (they live on the Java heap); a dirty file first has each segment recovered
 * ({@link HashTable#recover}).
 *
 * <p>The dirty mark. A file says dirty, durably (the superblock's page msynced), before anything that
 * matters is written to it, and clean again only once everything is durable ({@link #closeClean}). A
 * file found clean is marked before its first write ({@link #beforeWrite}, which every write section
 * calls, and {@code compact()} and {@code cleanUp()} before they touch the heap), not when it is
 * opened: the msync waits for the disk, and a service that opens many files (the Infinispan store
 * opens one per segment, 256 by default) paid one per file on every restart even for files it only
 * read. What an opening writes before that is meaningless at rest (stamps, the allocator's free-list
 * links) or free space (free blocks zeroed and their headers rewritten, which the heap walk reads
 * sound or wholly zero either way), so a power loss then leaves a file that says clean over nothing
 * that could be lost. A store whose reads write (eviction's access bits, expiry) is marked when
 * opened, as is a new file; a file found dirty already says so on disk.
 */
final class StoreFile implements AutoCloseable {
    /**
     * Files this process holds open for writing, by real path: a read-only look at one of them must
     * not open a descriptor of its own, since closing any descriptor of a file drops every POSIX lock
     * the process holds on it, the writer's included.
     */
    private static final java.util.Set<Path> WRITING = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final Path path;
    private Path registered;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private MappedRegion region;
    /** Whether the file's dirty mark is on disk for this opening: set once, never cleared. */
    private volatile boolean markedDirty;

    private StoreFile(Path path, FileChannel lockChannel, FileLock lock) {
        this.path = path;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** The parts of an opened store. */
    record Parts(MappedRegion region, EntryHeap heap, HashTable table, StoreFile file, boolean recovered) {
    }

    /** Where a store's pieces go for a given segment count. */
    record Geometry(int segmentBits, int initialLog2, long headers, long heapStart) {
        static Geometry of(int segmentBits, int initialLog2) {
            long pageSize = MappedRegion.pageSize();
            long headers = pageSize;
            long heapStart = (headers + (SegmentHeader.SIZE << segmentBits) + pageSize - 1) / pageSize * pageSize;
            return new Geometry(segmentBits, initialLog2, headers, heapStart);
        }
    }

    static Parts anonymous(StoreConfig<?, ?> config, Geometry g) {
        MappedRegion region = MappedRegion.anonymous(g.heapStart() + SmallBlocks.SLAB_BYTES, config.reserveBytes());
        try {
            EntryHeap heap = newHeap(config, region, g);
            writeSuperblock(region.segment(), config, g, config.seed());
            HashTable table = newTable(config, region, heap, g, config.seed(), true);
            return new Parts(region, heap, table, null, false);
        } catch (RuntimeException | Error e) {
            region.close();
            throw e;
        }
    }

    /**
     * Creates the file, or opens, checks and recovers it.
     *
     * @throws StoreException naming the file and what was wrong
     */
    static Parts open(StoreConfig<?, ?> config, Geometry fresh) {
        Path path = config.file();
        StoreFile file = lock(path);
        try {
            long length = Files.size(path);
            Parts parts = length == 0 ? file.create(config, fresh) : file.reopen(config, length);
            if (parts.recovered()) {
                file.markedDirty = true;
            } else if (length == 0 || config.evicting() || config.expiring()) {
                file.markDirty();
            }
            return parts;
        } catch (IOException e) {
            file.close();
            throw ioFailure("cannot open store file", path, e);
        } catch (RuntimeException | Error e) {
            file.close();
            throw e;
        }
    }

    /**
     * Reads a file's superblock without mapping or locking it.
     *
     * @throws StoreException if it is not a sound store superblock
     */
    static io.hmapstore.StoreFileInfo describe(Path path) {
        long pageSize = MappedRegion.pageSize();
        byte[] page;
        long length;
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            length = channel.size();
            if (length < pageSize) {
                throw new CorruptedStoreException("store file " + path + " is " + length
                        + " bytes: a store file is at least one " + pageSize + "-byte page");
            }
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate((int) pageSize);
            while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) > 0) {
                // read the whole first page
            }
            page = buffer.array();
        } catch (IOException e) {
            throw ioFailure("cannot read store file", path, e);
        }
        MemorySegment m = MemorySegment.ofArray(page);
        long magic = m.get(ValueLayout.JAVA_LONG_UNALIGNED, StoreHeader.MAGIC);
        if (magic != StoreHeader.MAGIC_VALUE) {
            throw new CorruptedStoreException("store file " + path + " is not an hmapstore file: magic 0x"
                    + Long.toHexString(magic) + ", expected 0x" + Long.toHexString(StoreHeader.MAGIC_VALUE));
        }
        int stored = m.get(ValueLayout.JAVA_INT_UNALIGNED, StoreHeader.CRC);
        if (stored != StoreHeader.crc(m)) {
            throw new CorruptedStoreException("store file " + path + ": superblock checksum 0x"
                    + Integer.toHexString(stored) + " does not match its contents: the superblock is damaged");
        }
        int segmentBits = m.get(ValueLayout.JAVA_INT_UNALIGNED, StoreHeader.SEGMENT_BITS);
        if (segmentBits < 0 || segmentBits > TableStore.MAX_SEGMENT_BITS) {
            throw new CorruptedStoreException("store file " + path + ": segment bits " + segmentBits + " outside [0, "
                    + TableStore.MAX_SEGMENT_BITS + "]");
        }
        return new io.hmapstore.StoreFileInfo(path, length, m.get(ValueLayout.JAVA_INT_UNALIGNED, StoreHeader.VERSION),
                m.get(ValueLayout.JAVA_INT_UNALIGNED, StoreHeader.PAGE_SIZE), StoreHeader.readCodecId(m,
                        StoreHeader.KEY_CODEC), m.get(ValueLayout.JAVA_INT_UNALIGNED, StoreHeader.KEY_SIZE),
                StoreHeader.readCodecId(m, StoreHeader.VALUE_CODEC), m.get(ValueLayout.JAVA_INT_UNALIGNED,
                        StoreHeader.VALUE_SIZE), 1 << segmentBits, m.get(ValueLayout.JAVA_INT_UNALIGNED,
                        StoreHeader.INITIAL_LOG2), m.get(ValueLayout.JAVA_LONG_UNALIGNED, StoreHeader.SEED),
                m.get(ValueLayout.JAVA_INT_UNALIGNED, StoreHeader.STATE) == StoreHeader.CLEAN,
                m.get(ValueLayout.JAVA_LONG_UNALIGNED, StoreHeader.HEAP_TOP));
    }

    private static StoreFile lock(Path path) {
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw ioFailure("cannot open store file", path, e);
        }
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                closeQuietly(channel);
                throw new StoreException("store file " + path
                        + " is open for writing in another process; one writer process at a time");
            }
            StoreFile file = new StoreFile(path, channel, lock);
            file.registered = path.toRealPath();
            WRITING.add(file.registered);
            return file;
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw new StoreException("store file " + path + " is already open in this process; close it first");
        } catch (IOException e) {
            closeQuietly(channel);
            throw ioFailure("cannot lock store file", path, e);
        }
    }

    private Parts create(StoreConfig<?, ?> config, Geometry g) {
        region = MappedRegion.file(path, g.heapStart() + SmallBlocks.SLAB_BYTES, config.reserveBytes());
        EntryHeap heap = newHeap(config, region, g);
        heap.persistTopAt(StoreHeader.HEAP_TOP);
        writeSuperblock(region.segment(), config, g, config.seed());
        HashTable table = newTable(config, region, heap, g, config.seed(), true);
        return new Parts(region, heap, table, this, false);
    }

    private Parts reopen(StoreConfig<?, ?> config, long length) {
        long pageSize = MappedRegion.pageSize();
        if (length < pageSize || length % pageSize != 0) {
            throw new CorruptedStoreException("store file " + path + " is " + length + " bytes: a store file is a"
                    + " whole number of " + pageSize + "-byte pages, at least one (truncated, or not a store)");
        }
        region = MappedRegion.file(path, pageSize, config.reserveBytes());
        MemorySegment m = region.segment();
        checkStatic(m, config, length);
        int segmentBits = m.get(ValueLayout.JAVA_INT, StoreHeader.SEGMENT_BITS);
        int initialLog2 = m.get(ValueLayout.JAVA_INT, StoreHeader.INITIAL_LOG2);
        long seed = m.get(ValueLayout.JAVA_LONG, StoreHeader.SEED);
        Geometry g = Geometry.of(segmentBits, initialLog2);
        long top = m.get(ValueLayout.JAVA_LONG, StoreHeader.HEAP_TOP);
        long dirtyUntil = m.get(ValueLayout.JAVA_LONG, StoreHeader.DIRTY_UNTIL);
        if (length < g.heapStart() || top < g.heapStart() || top > length || top % pageSize != 0
                || dirtyUntil < g.heapStart() || dirtyUntil > length) {
            throw new CorruptedStoreException("store file " + path + ": heap top 0x" + Long.toHexString(top)
                    + " and dirty mark 0x" + Long.toHexString(dirtyUntil) + " must be page-aligned within [0x"
                    + Long.toHexString(g.heapStart()) + ", 0x" + Long.toHexString(length) + "] (the file's length)");
        }
        boolean dirty = m.get(ValueLayout.JAVA_INT, StoreHeader.STATE) != StoreHeader.CLEAN;

        EntryHeap heap = newHeap(config, region, g);
        heap.restoreBounds(top, dirtyUntil);
        heap.persistTopAt(StoreHeader.HEAP_TOP);
        HashTable table = newTable(config, region, heap, g, seed, false);
        if (dirty) {
            for (int s = 0; s < table.segments; s++) {
                table.recover(s);
            }
        }
        BitSet reachable = new BitSet();
        int[] maxGeneration = {0};
        for (int s = 0; s < table.segments; s++) {
            table.reachable(s, payload -> {
                reachable.set(Math.toIntExact(heap.granuleOf(heap.blockStart(payload))));
                maxGeneration[0] = Math.max(maxGeneration[0], heap.generation(payload));
            });
        }
        heap.rebuild(reachable, maxGeneration[0]);
        return new Parts(region, heap, table, this, dirty);
    }

    private void checkStatic(MemorySegment m, StoreConfig<?, ?> config, long length) {
        long magic = m.get(ValueLayout.JAVA_LONG, StoreHeader.MAGIC);
        if (magic != StoreHeader.MAGIC_VALUE) {
            throw new CorruptedStoreException("store file " + path + " is not an hmapstore file: magic 0x"
                    + Long.toHexString(magic) + ", expected 0x" + Long.toHexString(StoreHeader.MAGIC_VALUE));
        }
        int version = m.get(ValueLayout.JAVA_INT, StoreHeader.VERSION);
        if (version != StoreHeader.FORMAT_VERSION) {
            throw new StoreException(StoreHeader.otherVersion(path, version));
        }
        int stored = m.get(ValueLayout.JAVA_INT, StoreHeader.CRC);
        int computed = StoreHeader.crc(m);
        if (stored != computed) {
            throw new CorruptedStoreException("store file " + path + ": superblock checksum 0x"
                    + Integer.toHexString(stored) + " does not match its contents (0x" + Integer.toHexString(computed)
                    + "): the superblock is damaged");
        }
        int pageSize = m.get(ValueLayout.JAVA_INT, StoreHeader.PAGE_SIZE);
        if (pageSize != MappedRegion.pageSize()) {
            throw new StoreException("store file " + path + " was written with " + pageSize + "-byte pages; this"
                    + " machine's page size is " + MappedRegion.pageSize());
        }
        checkCodec(m, "key", StoreHeader.KEY_CODEC, StoreHeader.KEY_SIZE, config.keys());
        checkCodec(m, "value", StoreHeader.VALUE_CODEC, StoreHeader.VALUE_SIZE, config.values());
        checkFeatures(m, config);
        int segmentBits = m.get(ValueLayout.JAVA_INT, StoreHeader.SEGMENT_BITS);
        int initialLog2 = m.get(ValueLayout.JAVA_INT, StoreHeader.INITIAL_LOG2);
        if (segmentBits < 0 || segmentBits > TableStore.MAX_SEGMENT_BITS || !HashTable.log2InRange(initialLog2)) {
            throw new CorruptedStoreException("store file " + path + ": segment bits " + segmentBits
                    + " and initial B " + initialLog2 + " must lie in [0, " + TableStore.MAX_SEGMENT_BITS + "] and [0, " + HashTable.MAX_LOG2_BUCKETS + "]");
        }
    }

    private static int features(StoreConfig<?, ?> config) {
        return (config.evicting() ? StoreHeader.FEATURE_EVICTION : 0) | (config.expiring() ? StoreHeader.FEATURE_EXPIRY : 0);
    }

    private void checkFeatures(MemorySegment m, StoreConfig<?, ?> config) {
        int found = m.get(ValueLayout.JAVA_INT, StoreHeader.FEATURES);
        int wanted = features(config);
        if (found != wanted) {
            throw new StoreException("store file " + path + " was written " + describeFeatures(found)
                    + "; it was opened " + describeFeatures(wanted) + " — the bucket layout differs, so open it as it"
                    + " was made");
        }
    }

    private static String describeFeatures(int features) {
        if (features == 0) {
            return "without bounds or expiry";
        }
        String bound = (features & StoreHeader.FEATURE_EVICTION) != 0 ? "with a bound (maxEntries/maxBytes)" : "";
        String expiry = (features & StoreHeader.FEATURE_EXPIRY) != 0 ? "with expiry (expireAfterWrite)" : "";
        return bound.isEmpty() ? expiry : expiry.isEmpty() ? bound : bound + " and " + expiry;
    }

    private void checkCodec(MemorySegment m, String what, long idAt, long sizeAt, Codec<?> codec) {
        String id = StoreHeader.readCodecId(m, idAt);
        int size = m.get(ValueLayout.JAVA_INT, sizeAt);
        if (!id.equals(codec.id()) || size != codec.fixedSize()) {
            throw new StoreException("store file " + path + " holds " + what + "s of codec '" + id + "' (" + describe(size)
                    + "); it was opened with codec '" + codec.id() + "' (" + describe(codec.fixedSize()) + ")");
        }
    }

    private static String describe(int size) {
        return size == Codec.VARIABLE_SIZE ? "variable size" : size + " bytes";
    }

    private static EntryHeap newHeap(StoreConfig<?, ?> config, MappedRegion region, Geometry g) {
        return new EntryHeap(region, g.heapStart(), config.releasePolicy(),
                config.guarded(io.hmapstore.Guard.ZERO_ON_REUSE), config.guarded(io.hmapstore.Guard.OFFSET_CHECK),
                config.verifyReuse());
    }

    private static HashTable newTable(StoreConfig<?, ?> config, MappedRegion region, EntryHeap heap, Geometry g,
            long seed, boolean fresh) {
        return new HashTable(region, heap, g.headers(), g.segmentBits(), seed, config.keys().fixedSize(),
                config.values().fixedSize(), g.initialLog2(), config.guarded(io.hmapstore.Guard.OFFSET_CHECK),
                config.guarded(io.hmapstore.Guard.MAKE_BEFORE_WRITE), fresh, config.evicting(), config.expiring());
    }

    private static void writeSuperblock(MemorySegment m, StoreConfig<?, ?> config, Geometry g, long seed) {
        m.set(ValueLayout.JAVA_LONG, StoreHeader.MAGIC, StoreHeader.MAGIC_VALUE);
        m.set(ValueLayout.JAVA_INT, StoreHeader.VERSION, StoreHeader.FORMAT_VERSION);
        m.set(ValueLayout.JAVA_INT, StoreHeader.PAGE_SIZE, (int) MappedRegion.pageSize());
        m.set(ValueLayout.JAVA_INT, StoreHeader.SEGMENT_BITS, g.segmentBits());
        m.set(ValueLayout.JAVA_INT, StoreHeader.KEY_SIZE, config.keys().fixedSize());
        m.set(ValueLayout.JAVA_INT, StoreHeader.VALUE_SIZE, config.values().fixedSize());
        m.set(ValueLayout.JAVA_INT, StoreHeader.INITIAL_LOG2, g.initialLog2());
        m.set(ValueLayout.JAVA_LONG, StoreHeader.SEED, seed);
        StoreHeader.writeCodecId(m, StoreHeader.KEY_CODEC, config.keys().id());
        StoreHeader.writeCodecId(m, StoreHeader.VALUE_CODEC, config.values().id());
        m.set(ValueLayout.JAVA_INT, StoreHeader.FEATURES, features(config));
        m.set(ValueLayout.JAVA_INT, StoreHeader.CRC, StoreHeader.crc(m));
    }

    /** Marks the file dirty before this opening's first write, unless it is already (class notes). */
    void beforeWrite() {
        if (!markedDirty) {
            markDirty();
        }
    }

    private synchronized void markDirty() {
        if (markedDirty) {
            return;
        }
        try {
            region.segment().set(ValueLayout.JAVA_INT, StoreHeader.STATE, StoreHeader.DIRTY);
            region.sync(0, MappedRegion.pageSize());
        } catch (NativeCallException e) {
            throw NativeFailure.of("cannot mark store file " + path + " dirty before its first write (nothing was"
                    + " written)", e);
        }
        markedDirty = true;
    }

    /**
     * Makes everything durable, marks the file clean, and unmaps it. A file this opening never marked
     * dirty says clean already, and nothing of it changed that a reopen would read.
     */
    void closeClean() {
        if (region != null && !region.isClosed()) {
            if (markedDirty) {
                region.sync();
                region.segment().set(ValueLayout.JAVA_INT, StoreHeader.STATE, StoreHeader.CLEAN);
                region.sync(0, MappedRegion.pageSize());
            }
            region.close();
        }
        close();
    }

    /**
     * Whether this process holds {@code path} open as a store's writer.
     *
     * @param realPath the file's real path
     */
    static boolean openForWritingHere(Path realPath) {
        return WRITING.contains(realPath);
    }

    /** Releases the lock; the region, if still open, is unmapped without marking the file clean. */
    @Override
    public void close() {
        if (region != null && !region.isClosed()) {
            region.close();
        }
        if (registered != null) {
            WRITING.remove(registered);
        }
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } catch (IOException e) {
            // The channel's close below drops the lock anyway.
        }
        closeQuietly(lockChannel);
    }

    /**
     * Makes a store's memory durable (msync); a failed call is wrapped as every native failure is.
     *
     * @param path the store's file, or null for an anonymous store (named in the message only)
     */
    static void sync(MappedRegion region, Path path) {
        try {
            region.sync();
        } catch (NativeCallException e) {
            throw NativeFailure.of("cannot sync the store" + (path != null ? " to " + path : ""), e);
        }
    }

    /**
     * Closes a store's memory: a file is made durable, marked clean and unlocked ({@link #closeClean});
     * anonymous memory is unmapped.
     *
     * @param file the store's file, or null for an anonymous store
     * @param path the file's path, or null
     */
    static void close(MappedRegion region, StoreFile file, Path path) {
        try {
            if (file != null) {
                file.closeClean();
            } else {
                region.close();
            }
        } catch (NativeCallException e) {
            throw NativeFailure.of("cannot close the store" + (path != null ? " at " + path : ""), e);
        }
    }

    /**
     * A {@link StoreException} for a failed file operation, saying what went wrong in words ("no such
     * file", "permission denied") rather than with the JDK exception's class name; the exception is
     * kept as the cause.
     *
     * @param what what was being done, e.g. "cannot open store file"
     */
    static StoreException ioFailure(String what, Path path, IOException e) {
        String why = switch (e) {
            case java.nio.file.NoSuchFileException x -> "no such file";
            case java.nio.file.AccessDeniedException x -> "permission denied";
            case java.nio.file.FileSystemException x when x.getReason() != null -> x.getReason();
            default -> e.getMessage() != null ? e.getMessage() : "an I/O error";
        };
        return new StoreException(what + " " + path + ": " + why, e);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing to recover: the descriptor is gone either way.
        }
    }
}

package io.hmapstore.store;

import io.hmapstore.Codec;
import io.hmapstore.StoreException;
import io.hmapstore.StoreFileInfo;
import io.hmapstore.StoreFileSnapshot;
import io.hmapstore.StoreStats;
import io.hmapstore.VerifyReport.Problem;
import io.hmapstore.VerifyReport;
import io.hmapstore.heap.BlockHeader;
import io.hmapstore.heap.EntryHeap;
import io.hmapstore.heap.SizeClasses;
import io.hmapstore.heap.SmallBlocks;
import io.hmapstore.memory.MappedRegion;
import io.hmapstore.memory.ReleasePolicy;
import io.hmapstore.table.HashTable;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A store file looked at without being opened as a store: mapped read-only, no lock taken, nothing
 * recovered, nothing written ({@link io.hmapstore.StoreFiles#openReadOnly}).
 *
 * <p>Implementation notes. The region is {@link MappedRegion#fileReadOnly}: the kernel refuses writes
 * through its descriptor and mapping, and its segment is read-only, so a write attempted by mistake
 * throws rather than reaching the file. The superblock is read field by field and each damaged field
 * becomes a {@link Problem} instead of ending the look; only a file that is not a store at all
 * (too short for a superblock, another magic, another format version or page size) is refused.
 * The table is then walked with {@link HashTable}'s own checks, a segment at a time, and the heap
 * block by block; whatever one of them cannot follow ends that walk, with a problem naming where,
 * and the rest goes on. A writer attached to the file may change it while it is read, so what this
 * reports is a snapshot that may be caught mid-write.
 */
final class ReadOnlyStore implements StoreFileSnapshot {
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;

    private final StoreFileInfo info;
    private final boolean writerAttached;
    private final MappedRegion region;
    private final List<Problem> superblockProblems;
    /** Null when the superblock is too damaged for the table to be walked. */
    private final HashTable table;
    private final EntryHeap heap;
    private final int features;

    private ReadOnlyStore(StoreFileInfo info, boolean writerAttached, MappedRegion region, List<Problem> problems,
            HashTable table, EntryHeap heap, int features) {
        this.info = info;
        this.features = features;
        this.writerAttached = writerAttached;
        this.region = region;
        this.superblockProblems = List.copyOf(problems);
        this.table = table;
        this.heap = heap;
    }

    /**
     * Maps {@code path} read-only and reads its superblock.
     *
     * @throws StoreException if the file cannot be read or is not a store file of this format
     */
    static ReadOnlyStore open(Path path) {
        Path real;
        try {
            real = path.toRealPath();
        } catch (IOException e) {
            throw StoreFile.ioFailure("cannot read store file", path, e);
        }
        if (!java.nio.file.Files.isRegularFile(real)) {
            throw new StoreException("store file " + path + " is not a regular file (a directory or a device): it is"
                    + " not a store file");
        }
        if (StoreFile.openForWritingHere(real)) {
            throw new StoreException("store file " + path + " is open for writing in this process; use that store's"
                    + " stats() and verify()");
        }
        boolean attached = writerAttached(path);
        MappedRegion region = mapOrThrow(path);
        try {
            return read(path, region, attached);
        } catch (RuntimeException | Error e) {
            region.close();
            throw e;
        }
    }

    private static MappedRegion mapOrThrow(Path path) {
        long pageSize = MappedRegion.pageSize();
        try {
            return MappedRegion.fileReadOnly(path);
        } catch (IllegalArgumentException e) {
            throw new StoreException("store file " + path + " is shorter than one " + pageSize
                    + "-byte page: it is not a store file (a store file begins with a one-page superblock)");
        } catch (io.hmapstore.memory.NativeCallException e) {
            throw new StoreException("cannot read store file " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether another process holds the file's writer lock: a shared lock is asked for and, if granted,
     * given back at once, so a writer starting now is kept out for no longer than the asking.
     */
    private static boolean writerAttached(Path path) {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            FileLock probe = channel.tryLock(0, Long.MAX_VALUE, true);
            if (probe == null) {
                return true;
            }
            probe.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        } catch (IOException e) {
            throw StoreFile.ioFailure("cannot read store file", path, e);
        }
    }

    private static ReadOnlyStore read(Path path, MappedRegion region, boolean attached) {
        MemorySegment m = region.segment();
        long length = region.size();
        List<Problem> problems = new ArrayList<>();
        long magic = m.get(LONG, StoreHeader.MAGIC);
        if (magic != StoreHeader.MAGIC_VALUE) {
            throw new StoreException("store file " + path + " is not an hmapstore file: magic 0x"
                    + Long.toHexString(magic) + ", expected 0x" + Long.toHexString(StoreHeader.MAGIC_VALUE));
        }
        int version = m.get(INT, StoreHeader.VERSION);
        boolean crcOk = m.get(INT, StoreHeader.CRC) == StoreHeader.crc(m);
        if (version != StoreHeader.FORMAT_VERSION && crcOk) {
            throw new StoreException(StoreHeader.otherVersion(path, version));
        }
        if (!crcOk) {
            problems.add(superblock(StoreHeader.CRC, "superblock checksum 0x" + Integer.toHexString(StoreHeader.crc(m))
                    + " over bytes [0, " + StoreHeader.STATIC_BYTES + ")", "0x" + Integer.toHexString(m.get(INT,
                            StoreHeader.CRC)) + " (a byte of the superblock is damaged)"));
        }
        int pageSize = m.get(INT, StoreHeader.PAGE_SIZE);
        if (pageSize != MappedRegion.pageSize()) {
            if (crcOk) {
                throw new StoreException("store file " + path + " was written with " + pageSize + "-byte pages; this"
                        + " machine's page size is " + MappedRegion.pageSize());
            }
            problems.add(superblock(StoreHeader.PAGE_SIZE, "page size " + MappedRegion.pageSize(),
                    Integer.toString(pageSize)));
        }
        if (version != StoreHeader.FORMAT_VERSION) {
            problems.add(superblock(StoreHeader.VERSION, "format version " + StoreHeader.FORMAT_VERSION,
                    Integer.toString(version)));
        }
        int segmentBits = m.get(INT, StoreHeader.SEGMENT_BITS);
        int initialLog2 = m.get(INT, StoreHeader.INITIAL_LOG2);
        int keySize = m.get(INT, StoreHeader.KEY_SIZE);
        int valueSize = m.get(INT, StoreHeader.VALUE_SIZE);
        int features = m.get(INT, StoreHeader.FEATURES);
        int state = m.get(INT, StoreHeader.STATE);
        long top = m.get(LONG, StoreHeader.HEAP_TOP);
        long dirtyUntil = m.get(LONG, StoreHeader.DIRTY_UNTIL);
        boolean walkable = true;
        if (segmentBits < 0 || segmentBits > TableStore.MAX_SEGMENT_BITS) {
            problems.add(superblock(StoreHeader.SEGMENT_BITS, "segment bits in [0, " + TableStore.MAX_SEGMENT_BITS + "]",
                    Integer.toString(segmentBits)));
            walkable = false;
        }
        if (initialLog2 < 0 || initialLog2 > HashTable.MAX_LOG2_BUCKETS) {
            problems.add(superblock(StoreHeader.INITIAL_LOG2, "initial B in [0, " + HashTable.MAX_LOG2_BUCKETS + "]", Integer.toString(initialLog2)));
        }
        walkable &= checkSize(problems, StoreHeader.KEY_SIZE, "key", keySize);
        walkable &= checkSize(problems, StoreHeader.VALUE_SIZE, "value", valueSize);
        int known = StoreHeader.FEATURE_EVICTION | StoreHeader.FEATURE_EXPIRY;
        if ((features & ~known) != 0) {
            problems.add(superblock(StoreHeader.FEATURES, "feature bits within 0x" + Integer.toHexString(known),
                    "0x" + Integer.toHexString(features)));
            walkable = false;
        }
        if (state != StoreHeader.CLEAN && state != StoreHeader.DIRTY) {
            problems.add(superblock(StoreHeader.STATE, "state CLEAN or DIRTY", "0x" + Integer.toHexString(state)));
        }
        StoreFile.Geometry g = StoreFile.Geometry.of(walkable ? segmentBits : 0, Math.clamp(initialLog2, 0, HashTable.MAX_LOG2_BUCKETS));
        if (walkable && g.heapStart() > length) {
            problems.add(superblock(StoreHeader.SEGMENT_BITS, "segment headers within the file's " + length + " bytes",
                    (1 << segmentBits) + " segments, heap from 0x" + Long.toHexString(g.heapStart())));
            walkable = false;
        }
        long pageMask = MappedRegion.pageSize() - 1;
        if (top < g.heapStart() || top > length || (top & pageMask) != 0) {
            problems.add(superblock(StoreHeader.HEAP_TOP, "a page-aligned heap top in [0x"
                    + Long.toHexString(g.heapStart()) + ", 0x" + Long.toHexString(length) + "]", "0x"
                    + Long.toHexString(top)));
            top = length;
        }
        if (dirtyUntil < g.heapStart() || dirtyUntil > length) {
            problems.add(superblock(StoreHeader.DIRTY_UNTIL, "a dirty mark in [0x" + Long.toHexString(g.heapStart())
                    + ", 0x" + Long.toHexString(length) + "]", "0x" + Long.toHexString(dirtyUntil)));
        }
        StoreFileInfo info = new StoreFileInfo(path, length, version, pageSize, StoreHeader.readCodecId(m,
                StoreHeader.KEY_CODEC), keySize, StoreHeader.readCodecId(m, StoreHeader.VALUE_CODEC), valueSize,
                walkable ? 1 << segmentBits : 0, initialLog2, m.get(LONG, StoreHeader.SEED), state == StoreHeader.CLEAN,
                top);
        if (!walkable) {
            return new ReadOnlyStore(info, attached, region, problems, null, null, features);
        }
        // KEEP: a read-only heap never releases anything; the checks stay on, whatever a store chose.
        EntryHeap heap = new EntryHeap(region, g.heapStart(), ReleasePolicy.KEEP, true, true, false);
        heap.restoreBounds(top, Math.clamp(dirtyUntil, g.heapStart(), length));
        HashTable table = new HashTable(region, heap, g.headers(), segmentBits, m.get(LONG, StoreHeader.SEED), keySize,
                valueSize, initialLog2, true, true, false, (features & StoreHeader.FEATURE_EVICTION) != 0,
                (features & StoreHeader.FEATURE_EXPIRY) != 0);
        return new ReadOnlyStore(info, attached, region, problems, table, heap, features);
    }

    private static boolean checkSize(List<Problem> problems, long at, String what, int size) {
        if (size == 0 || size < Codec.VARIABLE_SIZE) {
            problems.add(superblock(at, what + " size positive or -1 (variable)", Integer.toString(size)));
            return false;
        }
        return true;
    }

    private static Problem superblock(long offset, String expected, String found) {
        return new Problem(-1, -1, offset, expected, found);
    }

    @Override
    public StoreFileInfo info() {
        return info;
    }

    @Override
    public boolean writerAttached() {
        return writerAttached;
    }

    @Override
    public StoreStats stats() {
        int segments = table == null ? 0 : table.segments;
        int[] log2 = new int[segments];
        long[] chains = new long[HashTable.CHAIN_HISTOGRAM];
        long[] segmentEntries = new long[segments];
        long[] segmentOverflow = new long[segments];
        long buckets = 0;
        for (int s = 0; s < segments; s++) {
            segmentEntries[s] = table.count(s);
            segmentOverflow[s] = Integer.toUnsignedLong(table.overflowBuckets(s));
            try {
                log2[s] = table.log2Buckets(s);
                buckets += table.isMade(s) ? 1L << log2[s] : 0;
                table.chainLengths(s, chains);
            } catch (RuntimeException e) {
                // A segment that cannot be walked is counted as far as it goes; verify() says why.
            }
        }
        long entries = 0;
        long overflow = 0;
        for (int s = 0; s < segments; s++) {
            entries += segmentEntries[s];
            overflow += segmentOverflow[s];
        }
        Map<Long, Long> bySize = new TreeMap<>();
        if (heap != null) {
            // In use means reached from a segment, as a writer's open counts it: a block the last writer
            // retired but left marked live in the file is freed by the next open, not counted here.
            BitSet reached = new BitSet();
            for (int s = 0; s < segments; s++) {
                try {
                    table.reachable(s, payload -> reached.set(Math.toIntExact(heap.granuleOf(heap.blockStart(payload)))));
                } catch (RuntimeException e) {
                    // Counted as far as the walk went; verify() says where it stopped.
                }
            }
            walkHeap(reached, bySize, new ArrayList<>());
        }
        long inUse = bySize.values().stream().mapToLong(Long::longValue).sum();
        return new StoreStats(entries, segments, log2, buckets, overflow, buckets == 0 ? 0 : (double) entries / buckets,
                0, 0, 0, 0, region.size(), inUse, StoreInspection.residentBytes(region), 0,
                new EnumMap<>(ReleasePolicy.class), bySize, 0, 0, chains, segmentEntries, segmentOverflow,
                io.hmapstore.MemoryBudget.NONE);  // a bound is the writer's setting; the file does not keep it
    }

    @Override
    public VerifyReport verify() {
        List<Problem> problems = new ArrayList<>(superblockProblems);
        long entries = 0;
        long buckets = 0;
        if (table != null) {
            for (int s = 0; s < table.segments; s++) {
                try {
                    long[] r = table.verify(s, problems);
                    entries += r[0];
                    buckets += r[1];
                } catch (RuntimeException e) {
                    // Caught mid-write, or damaged past what the checks expect: the rest is still checked.
                    problems.add(new Problem(s, -1, table.header(s), "a segment that can be walked to its end",
                            "the walk stopped: " + e.getMessage()));
                }
            }
            walkHeap(null, new TreeMap<>(), problems);
        }
        return new VerifyReport(entries, buckets, problems);
    }

    /**
     * Walks the heap block by block from its start to its top, as {@link EntryHeap#rebuild} does but
     * without writing: adds the bytes of each block {@code reached} names (by granule; every block
     * marked live when it is null) to {@code bySize}, by block size, and each header that cannot be
     * sound to {@code problems}, which ends the walk (the next block is found only through this one's
     * size).
     */
    private void walkHeap(BitSet reached, Map<Long, Long> bySize, List<Problem> problems) {
        MemorySegment m = region.segment();
        long pageSize = MappedRegion.pageSize();
        long top = heap.top();
        for (long start = heap.heapStart(); start < top; ) {
            long payload = start + BlockHeader.LARGE_PAYLOAD_OFFSET;
            int log2Pages = m.get(ValueLayout.JAVA_SHORT, payload + BlockHeader.LOG2_PAGES);
            int sizeClass = m.get(ValueLayout.JAVA_BYTE, payload + BlockHeader.SIZE_CLASS) & 0xFF;
            long bytes = log2Pages >= 0 && log2Pages <= BlockHeader.MAX_LOG2_PAGES ? pageSize << log2Pages : -1;
            if (m.get(LONG, payload - BlockHeader.SIZE) == 0) {
                start += pageSize; // a header wiped by PUNCH_HOLE: a free page (FORMAT.md, rule 2)
                continue;
            }
            if (sizeClass != BlockHeader.LARGE_CLASS || bytes < 0 || start + bytes > top) {
                problems.add(new Problem(-1, -1, payload + BlockHeader.GENERATION, "a large-block header ending"
                        + " within heap " + heap.range(), "class " + sizeClass + ", log2 pages " + log2Pages));
                return;
            }
            byte kind = m.get(ValueLayout.JAVA_BYTE, payload + BlockHeader.KIND);
            boolean live = kind != BlockHeader.FREED && m.get(INT, payload + BlockHeader.GENERATION) != 0;
            if (kind == BlockHeader.SLAB) {
                int slabClass = m.get(ValueLayout.JAVA_BYTE, payload + BlockHeader.SLAB_CLASS) & 0xFF;
                long size = SizeClasses.sizeOrNone(slabClass);
                if (bytes != SmallBlocks.SLAB_BYTES || size < 0) {
                    problems.add(new Problem(-1, -1, payload + BlockHeader.SLAB_CLASS, "a slab of "
                            + SmallBlocks.SLAB_BYTES + " bytes of a size class that exists", bytes + " bytes, class "
                            + slabClass));
                } else {
                    for (long block = payload; block + size <= start + bytes; block += size) {
                        long small = block + BlockHeader.SIZE;
                        boolean counted = reached != null ? reached.get(Math.toIntExact(heap.granuleOf(block)))
                                : m.get(ValueLayout.JAVA_BYTE, small + BlockHeader.KIND) != BlockHeader.FREED
                                        && m.get(INT, small + BlockHeader.GENERATION) != 0;
                        if (counted) {
                            bySize.merge(size, size, Long::sum);
                        }
                    }
                }
            } else if (reached != null ? reached.get(Math.toIntExact(heap.granuleOf(start))) : live) {
                bySize.merge(bytes, bytes, Long::sum);
            }
            start += bytes;
        }
    }

    /** Unmaps the file. */
    @Override
    public void close() {
        region.close();
    }

    /** @return the superblock's feature bits (bounds, expiry), which a writer must open the file with */
    int features() {
        return features;
    }

    /** @return whether the superblock had no problem of its own */
    boolean superblockSound() {
        return superblockProblems.isEmpty();
    }
}

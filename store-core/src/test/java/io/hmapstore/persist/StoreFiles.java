package io.hmapstore.persist;

import io.hmapstore.memory.MappedRegion;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The file format as docs/FORMAT.md writes it down, restated here on purpose rather than taken from
 * the descriptor classes: a test that patches a file by these offsets breaks when the format moves
 * without the document (and the format version) moving with it.
 */
final class StoreFiles {
    static final long PAGE = MappedRegion.pageSize();

    static final int VERSION = 8;
    static final int PAGE_SIZE = 12;
    static final int SEED = 32;
    static final int FEATURES = 168;
    static final int CRC = 172;
    static final int STATE = 256;
    static final int HEAP_TOP = 264;

    static final int CLEAN = 0x434C454E;

    static final int SEGMENT_HEADER = 64;
    static final int SEG_COUNT = 8;
    static final int SEG_BUCKETS = 16;
    static final int SEG_OLDBUCKETS = 24;
    static final int SEG_NOVERFLOW = 48;
    static final int SEG_B = 52;

    private StoreFiles() {
    }

    /** @return the file's bytes, little-endian */
    static ByteBuffer read(Path file) throws IOException {
        return ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    }

    static void write(Path file, ByteBuffer bytes) throws IOException {
        Files.write(file, bytes.array());
    }

    /** Recomputes the superblock's CRC32C over its static part, as a deliberate writer would. */
    static void reseal(ByteBuffer file) {
        CRC32C crc = new CRC32C();
        crc.update(file.array(), 0, CRC);
        file.putInt(CRC, (int) crc.getValue());
    }

    /** @return the region offset of segment {@code seg}'s header */
    static long segmentHeader(int seg) {
        return PAGE + (long) seg * SEGMENT_HEADER;
    }
}

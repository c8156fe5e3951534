package io.hmapstore.infinispan;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.infinispan.commons.io.ByteBufferFactory;
import org.infinispan.persistence.spi.MarshallableEntry;
import org.infinispan.persistence.spi.MarshallableEntryFactory;

/**
 * The bytes an Infinispan entry is kept as in an hmapstore table: a fixed header, then the value,
 * metadata and internal metadata exactly as Infinispan marshalled them.
 *
 * <pre>
 * offset 0  long expiry time (wall-clock millis, -1 immortal)
 *        8  long created, 16 long last used
 *       24  int value length, 28 int metadata length, 32 int internal metadata length (-1: none)
 *       36  value bytes, metadata bytes, internal metadata bytes
 * </pre>
 *
 * <p>The expiry time leads so that {@code load}, the scans and {@code purgeExpired} judge an entry
 * against Infinispan's {@code TimeService} from eight bytes, without unmarshalling its metadata. The
 * rest is handed back to Infinispan as byte buffers it unmarshals lazily, only if a caller asks.
 */
final class EntryRecord {
    static final int HEADER_BYTES = 36;
    private static final int NONE = -1;

    private EntryRecord() {
    }

    /** @return the record for {@code entry}, expiry taken from its metadata (created + lifespan, last used + max idle) */
    static byte[] encode(MarshallableEntry<?, ?> entry) {
        org.infinispan.commons.io.ByteBuffer value = entry.getValueBytes();
        org.infinispan.commons.io.ByteBuffer metadata = entry.getMetadataBytes();
        org.infinispan.commons.io.ByteBuffer internal = entry.getInternalMetadataBytes();
        byte[] record = new byte[HEADER_BYTES + length(value) + length(metadata) + length(internal)];
        ByteBuffer out = ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(entry.expiryTime()).putLong(entry.created()).putLong(entry.lastUsed());
        out.putInt(lengthOrNone(value)).putInt(lengthOrNone(metadata)).putInt(lengthOrNone(internal));
        put(out, value);
        put(out, metadata);
        put(out, internal);
        return record;
    }

    /** @return the expiry time stored in {@code record}, -1 if the entry is immortal */
    static long expiryTime(byte[] record) {
        return ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    }

    /** @return whether the entry has expired at {@code now}, as {@code MarshallableEntry.isExpired} decides */
    static boolean isExpired(byte[] record, long now) {
        long expiry = expiryTime(record);
        return expiry > 0 && expiry <= now;
    }

    /** @return whether the entry has an expiry time at all (a lifespan or a max idle) */
    static boolean isMortal(byte[] record) {
        return expiryTime(record) > 0;
    }

    /**
     * @param key the key object if the caller has it (a load), else null and {@code keyBytes} is used
     * @return the entry for Infinispan, unmarshalled lazily
     */
    static <K, V> MarshallableEntry<K, V> decode(Object key, byte[] keyBytes, byte[] record,
            ByteBufferFactory buffers, MarshallableEntryFactory<K, V> entries) {
        ByteBuffer in = ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN);
        in.getLong();
        long created = in.getLong();
        long lastUsed = in.getLong();
        int valueLength = in.getInt();
        int metadataLength = in.getInt();
        int internalLength = in.getInt();
        int at = HEADER_BYTES;
        org.infinispan.commons.io.ByteBuffer value = slice(buffers, record, at, valueLength);
        at += Math.max(valueLength, 0);
        org.infinispan.commons.io.ByteBuffer metadata = slice(buffers, record, at, metadataLength);
        at += Math.max(metadataLength, 0);
        org.infinispan.commons.io.ByteBuffer internal = slice(buffers, record, at, internalLength);
        if (key != null) {
            return entries.create(key, value, metadata, internal, created, lastUsed);
        }
        return entries.create(buffers.newByteBuffer(keyBytes), value, metadata, internal, created, lastUsed);
    }

    /** @return the key bytes exactly, copied only if the buffer is a slice of a larger array */
    static byte[] exact(org.infinispan.commons.io.ByteBuffer bytes) {
        byte[] buf = bytes.getBuf();
        if (bytes.getOffset() == 0 && bytes.getLength() == buf.length) {
            return buf;
        }
        byte[] copy = new byte[bytes.getLength()];
        System.arraycopy(buf, bytes.getOffset(), copy, 0, copy.length);
        return copy;
    }

    private static org.infinispan.commons.io.ByteBuffer slice(ByteBufferFactory buffers, byte[] record, int at, int length) {
        return length == NONE ? null : buffers.newByteBuffer(record, at, length);
    }

    private static int length(org.infinispan.commons.io.ByteBuffer b) {
        return b == null ? 0 : b.getLength();
    }

    private static int lengthOrNone(org.infinispan.commons.io.ByteBuffer b) {
        return b == null ? NONE : b.getLength();
    }

    private static void put(ByteBuffer out, org.infinispan.commons.io.ByteBuffer b) {
        if (b != null) {
            out.put(b.getBuf(), b.getOffset(), b.getLength());
        }
    }
}

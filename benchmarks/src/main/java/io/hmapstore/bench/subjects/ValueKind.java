package io.hmapstore.bench.subjects;

/** What every key maps to in a benchmark: a {@code long}, or 100 opaque bytes. */
public enum ValueKind {
    /** {@code long→long}: a 16-byte payload per entry. */
    LONG(Long.BYTES),
    /** {@code long→byte[100]}: a 108-byte payload per entry; the first 8 bytes carry a stamp. */
    BYTES100(100);

    private final int bytes;

    ValueKind(int bytes) {
        this.bytes = bytes;
    }

    /** @return the value's size in bytes */
    public int bytes() {
        return bytes;
    }

    /** @return key plus value bytes: what an entry must hold at the least */
    public int payloadBytes() {
        return Long.BYTES + bytes;
    }
}

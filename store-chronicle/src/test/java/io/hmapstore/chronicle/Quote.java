package io.hmapstore.chronicle;

import net.openhft.chronicle.bytes.BytesIn;
import net.openhft.chronicle.bytes.BytesMarshallable;
import net.openhft.chronicle.bytes.BytesOut;

/** A fixed-size value: always 24 bytes. Records where it was last read from and written to. */
final class Quote implements BytesMarshallable {
    static final int SIZE = 24;

    long id;
    double bid;
    double ask;
    /** The native address readMarshallable read its first byte from (0 when on the heap). */
    transient long readAddress;
    /** The native address writeMarshallable wrote its first byte to. */
    transient long writtenAddress;

    Quote() {
    }

    Quote(long id, double bid, double ask) {
        this.id = id;
        this.bid = bid;
        this.ask = ask;
    }

    @Override
    public void readMarshallable(BytesIn<?> in) {
        readAddress = in.isDirectMemory() ? in.addressForRead(in.readPosition()) : 0;
        id = in.readLong();
        bid = in.readDouble();
        ask = in.readDouble();
    }

    @Override
    public void writeMarshallable(BytesOut<?> out) {
        writtenAddress = out.isDirectMemory() ? out.addressForWrite(out.writePosition()) : 0;
        out.writeLong(id);
        out.writeDouble(bid);
        out.writeDouble(ask);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Quote q && q.id == id && q.bid == bid && q.ask == ask;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(id);
    }

    @Override
    public String toString() {
        return "Quote[" + id + ", " + bid + "/" + ask + "]";
    }
}

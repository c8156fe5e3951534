package io.hmapstore.chronicle;

import java.util.Arrays;
import net.openhft.chronicle.bytes.BytesIn;
import net.openhft.chronicle.bytes.BytesMarshallable;
import net.openhft.chronicle.bytes.BytesOut;

/** A variable-size value: a UTF-8 symbol and any number of fills. */
final class Order implements BytesMarshallable {
    long id;
    String symbol = "";
    long[] fills = new long[0];

    Order() {
    }

    Order(long id, String symbol, long... fills) {
        this.id = id;
        this.symbol = symbol;
        this.fills = fills;
    }

    @Override
    public void readMarshallable(BytesIn<?> in) {
        id = in.readLong();
        symbol = in.readUtf8();
        fills = new long[Math.toIntExact(in.readStopBit())];
        for (int i = 0; i < fills.length; i++) {
            fills[i] = in.readLong();
        }
    }

    @Override
    public void writeMarshallable(BytesOut<?> out) {
        out.writeLong(id);
        out.writeUtf8(symbol);
        out.writeStopBit(fills.length);
        for (long f : fills) {
            out.writeLong(f);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Order x && x.id == id && x.symbol.equals(symbol) && Arrays.equals(x.fills, fills);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(id);
    }

    @Override
    public String toString() {
        return "Order[" + id + ", " + symbol + ", " + Arrays.toString(fills) + "]";
    }
}

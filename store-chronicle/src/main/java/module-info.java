/** Chronicle Bytes' {@code BytesMarshallable} values as hmapstore codecs. */
module io.hmapstore.chronicle {
    requires transitive io.hmapstore.core;
    requires transitive chronicle.bytes;

    exports io.hmapstore.chronicle;
}

package io.hmapstore.store;

import io.hmapstore.Codec;
import io.hmapstore.Codecs;
import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;

/**
 * utf8, but its encode first hands the value to a hook: a store encodes a value while it holds the
 * key's segment, so the hook runs inside the write (to call back into the store, or to block there).
 */
final class HookedUtf8Codec implements Codec<String> {
    private final Codec<String> utf8 = Codecs.utf8();
    private final Consumer<String> beforeEncode;

    HookedUtf8Codec(Consumer<String> beforeEncode) {
        this.beforeEncode = beforeEncode;
    }

    @Override
    public String id() {
        return utf8.id();
    }

    @Override
    public int fixedSize() {
        return utf8.fixedSize();
    }

    @Override
    public long encodedSize(String value) {
        return utf8.encodedSize(value);
    }

    @Override
    public void encode(String value, MemorySegment target, long offset) {
        beforeEncode.accept(value);
        utf8.encode(value, target, offset);
    }

    @Override
    public String decode(MemorySegment source, long offset, long length) {
        return utf8.decode(source, offset, length);
    }

    @Override
    public Class<String> type() {
        return String.class;
    }
}

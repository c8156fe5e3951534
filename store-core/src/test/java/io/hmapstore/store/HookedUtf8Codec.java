package io.hmapstore.store;

import io.hmapstore.Codec;
import io.hmapstore.Codecs;
import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;

/**
 * utf8, but its encode first hands the value to a hook: a store encodes a value while it holds the
 * key's segment, so the hook runs inside the write (to call back into the store, or to block there).
 * Its decode may hand the value it decoded to another: a lock-free read decodes inside its epoch.
 */
final class HookedUtf8Codec implements Codec<String> {
    private final Codec<String> utf8 = Codecs.utf8();
    private final Consumer<String> beforeEncode;
    private final Consumer<String> afterDecode;

    HookedUtf8Codec(Consumer<String> beforeEncode) {
        this(beforeEncode, value -> { });
    }

    HookedUtf8Codec(Consumer<String> beforeEncode, Consumer<String> afterDecode) {
        this.beforeEncode = beforeEncode;
        this.afterDecode = afterDecode;
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
        String value = utf8.decode(source, offset, length);
        afterDecode.accept(value);
        return value;
    }

    @Override
    public Class<String> type() {
        return String.class;
    }
}

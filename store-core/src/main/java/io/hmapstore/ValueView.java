package io.hmapstore;

import java.lang.foreign.MemorySegment;

/**
 * A zero-copy handle on one stored value. It reads the value where it lives, so it can go stale: once
 * the entry is removed, replaced by a value elsewhere, moved by growth or the store closed, every
 * method throws {@link StaleViewException} (or {@link IllegalStateException} after close) instead of
 * returning bytes that now belong to another entry.
 */
public interface ValueView {

    /**
     * @return the value's encoded length in bytes
     * @throws StaleViewException if the value's memory was retired or reused
     */
    long byteSize();

    /**
     * Copies the value's bytes out.
     *
     * @return a new array
     * @throws StaleViewException if the value's memory was retired or reused
     */
    byte[] toArray();

    /**
     * Copies the value's bytes into {@code target} at offset 0, allocating nothing.
     *
     * @param target at least {@link #byteSize()} bytes
     * @return the number of bytes copied
     * @throws StaleViewException if the value's memory was retired or reused
     */
    long copyTo(MemorySegment target);

    /**
     * @return whether the view still points at the live value
     */
    boolean isValid();
}

package io.hmapstore.heap;

import io.hmapstore.StoreException;
import io.hmapstore.memory.NativeCallException;

/**
 * How a failed libc call reaches a store's user: as the cause of a {@link StoreException} whose message
 * says what the store was doing, so that a caller who catches {@code StoreException} catches it too and
 * still has the call and its errno ({@link NativeCallException#call()}, {@link NativeCallException#errno()}).
 */
public final class NativeFailure {
    private NativeFailure() {
    }

    /**
     * @param doing what the store was doing, e.g. {@code "cannot grow the store's mapping to 4194304 bytes"}
     * @param e the failed call
     * @return the exception to throw
     */
    public static StoreException of(String doing, NativeCallException e) {
        return new StoreException(doing + ": " + e.getMessage(), e);
    }
}

package io.hmapstore;

/**
 * The base of every exception hmapstore throws on its own account.
 *
 * <p>A failed libc call ({@link io.hmapstore.memory.NativeCallException}, from the store-native module
 * below) reaches a store's user as the cause of a {@code StoreException} whose message says what the
 * store was doing; the cause keeps the call's name and errno. All hmapstore exceptions are unchecked: a failed system call or a corrupted store is not
 * something a caller can usually recover from at the call site.
 */
public class StoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message that names the value and the limit it broke.
     *
     * @param message what went wrong
     */
    public StoreException(String message) {
        super(message);
    }

    /**
     * Creates an exception that wraps its cause.
     *
     * @param message what went wrong
     * @param cause   the underlying failure
     */
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}

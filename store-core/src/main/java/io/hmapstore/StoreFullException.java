package io.hmapstore;

/**
 * The store's memory bound is reached: its reserved address range ({@code reserveBytes}, or
 * {@code maxBytes} for a bounded cache) cannot map another block, and eviction could not make room.
 * Nothing was changed by the write that failed.
 */
public final class StoreFullException extends StoreException {
    private static final long serialVersionUID = 1L;

    /** @param message how much was needed and what the bound is */
    public StoreFullException(String message) {
        super(message);
    }
}

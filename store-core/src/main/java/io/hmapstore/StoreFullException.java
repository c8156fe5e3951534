package io.hmapstore;

/**
 * The store's address range is used up: a store without eviction has filled its {@code reserveBytes}.
 * Nothing was changed by the write that failed. A store bounded by {@code maxBytes} evicts instead; it
 * throws this only if it has evicted everything and still cannot make room, which its plan rules out
 * unless a lock-free reader stays inside the store while every retired block waits for it.
 */
public final class StoreFullException extends StoreException {
    private static final long serialVersionUID = 1L;

    /** @param message how much was needed and what the bound is */
    public StoreFullException(String message) {
        super(message);
    }
}

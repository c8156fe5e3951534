package io.hmapstore;

/**
 * A view (a {@link ValueView} or an entry handle) was used after the memory it pointed into was
 * retired or reused: its generation stamp no longer matches. Go's analogue is a pointer into an old
 * bucket array after growth.
 */
public final class StaleViewException extends StoreException {
    private static final long serialVersionUID = 1L;

    /** @param message what was stale: the offset, the stamp held and the stamp found */
    public StaleViewException(String message) {
        super(message);
    }
}

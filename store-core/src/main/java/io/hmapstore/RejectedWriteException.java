package io.hmapstore;

/** A {@link WriteGuard} refused a write; nothing was changed. */
public final class RejectedWriteException extends StoreException {
    private static final long serialVersionUID = 1L;

    /**
     * @param key the key, as its {@code toString}
     * @param reason what the guard said
     */
    public RejectedWriteException(String key, String reason) {
        super("write to key " + key + " rejected by the write guard: " + reason);
    }
}

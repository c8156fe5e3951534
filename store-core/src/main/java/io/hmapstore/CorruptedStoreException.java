package io.hmapstore;

/**
 * An offset or field read from the store's memory is impossible: out of range, misaligned, of the
 * wrong kind, or a chain that does not end. The message names the segment, the bucket, the offset,
 * what was expected and the mapping that holds it. The store refuses to follow it instead of reading
 * foreign memory.
 */
public final class CorruptedStoreException extends StoreException {
    private static final long serialVersionUID = 1L;

    /** @param message what was wrong and where */
    public CorruptedStoreException(String message) {
        super(message);
    }
}

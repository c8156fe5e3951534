package io.hmapstore;

import java.util.ConcurrentModificationException;

/**
 * Two threads wrote a {@link Concurrency#SINGLE_WRITER} store at once, or a read raced a write — Go's
 * {@code fatal error: concurrent map writes}, as an exception the caller can see. It extends the JDK's
 * {@link ConcurrentModificationException}, the convention for this misuse.
 */
public final class ConcurrentWriteException extends ConcurrentModificationException {
    private static final long serialVersionUID = 1L;

    /** @param message which segment and what was racing */
    public ConcurrentWriteException(String message) {
        super(message);
    }
}

package io.hmapstore.memory;

/**
 * Thrown when a libc call fails. It keeps the call's name and its errno so that a caller can tell
 * {@code ENOMEM} from {@code EINVAL} without parsing the message.
 *
 * <p>The message names the call, its arguments (addresses in hex, flags by their symbolic names)
 * and the errno, for example
 * {@code madvise(0x7f12a0000000, 4096, MADV_FREE): EINVAL (Invalid argument)}.
 *
 * <p>This module is the bottom layer and knows nothing of stores, so the exception is a plain unchecked
 * one. A store (store-core) never lets it out bare: it arrives there as the cause of an
 * {@code io.hmapstore.StoreException} that says what the store was doing.
 */
public final class NativeCallException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The libc function that failed. */
    private final String call;
    /** The errno it left. */
    private final int errno;

    /**
     * Creates the exception for one failed call.
     *
     * @param call      the libc function, e.g. {@code "madvise"}
     * @param arguments the call's arguments as written in the message, e.g. {@code "0x1000, 4096, MADV_FREE"}
     * @param errno     the errno the call left
     */
    public NativeCallException(String call, String arguments, int errno) {
        super(call + "(" + arguments + "): " + Errno.describe(errno));
        this.call = call;
        this.errno = errno;
    }

    /**
     * The libc function that failed.
     *
     * @return e.g. {@code "madvise"}
     */
    public String call() {
        return call;
    }

    /**
     * The errno value the call left.
     *
     * @return e.g. {@code 22}
     */
    public int errno() {
        return errno;
    }

    /**
     * The errno's symbolic name.
     *
     * @return e.g. {@code "EINVAL"}, or {@code "errno N"} for a value outside hmapstore's table
     */
    public String errnoName() {
        return Errno.name(errno);
    }
}

package io.hmapstore.memory;

/**
 * The access a {@link MappedRegion#protect protected} range allows.
 *
 * <p>Touching a page from Java in a way its protection forbids raises {@code SIGSEGV}, which the
 * JVM does not turn into an exception for foreign memory: it crashes. Protection is for catching
 * stray native or test accesses, never a substitute for bounds checks.
 */
public enum Protection {
    /** No access ({@code PROT_NONE}). */
    NONE(Libc.PROT_NONE),
    /** Read only ({@code PROT_READ}). */
    READ(Libc.PROT_READ),
    /** Read and write ({@code PROT_READ|PROT_WRITE}). */
    READ_WRITE(Libc.PROT_READ | Libc.PROT_WRITE);

    private final int bits;

    Protection(int bits) {
        this.bits = bits;
    }

    /** The {@code PROT_*} bits passed to {@code mprotect}. */
    int bits() {
        return bits;
    }
}

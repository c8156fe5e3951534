package io.hmapstore.memory;

/**
 * The checks {@link MappedRegion} makes before any system call, and the exceptions they throw,
 * grouped so every message has the same shape: the value, then the limit it broke.
 */
final class RegionChecks {

    /** The user half of the x86_64 address space with 4-level page tables (128 TiB). */
    static final long MAX_RESERVATION = 1L << 47;

    private RegionChecks() {
    }

    static IllegalStateException closed() {
        return new IllegalStateException("region closed");
    }

    /** Checks a factory's sizes; both are rounded up to pages afterwards. */
    static void checkSizes(long initialBytes, long maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes " + maxBytes + " must be positive");
        }
        if (maxBytes > MAX_RESERVATION) {
            throw new IllegalArgumentException("maxBytes " + maxBytes + " exceeds the address space limit "
                    + MAX_RESERVATION);
        }
        if (initialBytes < 0) {
            throw new IllegalArgumentException("initialBytes " + initialBytes + " is negative");
        }
        if (initialBytes > maxBytes) {
            throw new IllegalArgumentException("initialBytes " + initialBytes + " exceeds maxBytes " + maxBytes);
        }
    }

    /** Checks that {@code value} is a non-negative multiple of the page size. */
    static void checkPageMultiple(String name, long value, long pageSize) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " " + value + " is negative");
        }
        if (value % pageSize != 0) {
            throw new IllegalArgumentException(name + " " + value + " is not a multiple of the page size "
                    + pageSize);
        }
    }

    /** Checks a page-aligned range within {@code [0, size)}. */
    static void checkRange(long offset, long length, long size, long pageSize) {
        checkPageMultiple("offset", offset, pageSize);
        checkPageMultiple("length", length, pageSize);
        // Written so that offset + length cannot overflow.
        if (offset > size || length > size - offset) {
            throw new IndexOutOfBoundsException("offset " + offset + " + length " + length + " is past size " + size);
        }
    }

    /** Checks a new size for {@link MappedRegion#grow}. */
    static void checkGrow(long newSize, long size, long maxSize, long pageSize) {
        checkPageMultiple("newSize", newSize, pageSize);
        if (newSize < size) {
            throw new IllegalArgumentException("newSize " + newSize + " is smaller than size " + size
                    + "; regions never shrink");
        }
        if (newSize > maxSize) {
            throw new IllegalArgumentException("newSize " + newSize + " exceeds maxSize " + maxSize);
        }
    }

    /** Checks that a policy applies to the region's kind of mapping. */
    static void checkApplies(ReleasePolicy policy, boolean fileBacked) {
        if (!policy.appliesTo(fileBacked)) {
            throw new IllegalArgumentException(fileBacked
                    ? policy + " applies to private anonymous regions; this region is file-backed"
                    : policy + " applies to file-backed regions; this region is anonymous");
        }
    }
}

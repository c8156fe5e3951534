package io.hmapstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hmapstore.memory.NativeCallException;
import org.junit.jupiter.api.Test;

/**
 * A failed libc call reaches a store's user as a {@link StoreException} that says what the store was
 * doing, with the call and its errno kept in the cause (API.md: StoreException lives in store-core, and
 * store-native's NativeCallException is never let out bare).
 */
class NativeFailureTest {

    @Test
    void aReservationNoAddressSpaceHolds_failsAsAStoreExceptionCausedByTheMmap() {
        // 127 TiB passes the region's own check (below the 128 TiB user address space of x86-64 Linux), but
        // no free range that long is left beside the JVM's mappings: mmap itself refuses it.
        long reserve = (1L << 47) - (1L << 40);
        StoreException e = assertThrows(StoreException.class,
                () -> OffHeapMap.of(Codecs.longs(), Codecs.longs()).reserveBytes(reserve).open());
        NativeCallException cause = assertInstanceOf(NativeCallException.class, e.getCause());
        assertEquals("mmap", cause.call());
        assertEquals("ENOMEM", cause.errnoName());
        assertTrue(e.getMessage().startsWith("cannot map " + reserve + " bytes of anonymous memory for the store: mmap("),
                e.getMessage());
    }
}

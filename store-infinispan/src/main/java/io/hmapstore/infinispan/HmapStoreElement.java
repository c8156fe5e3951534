package io.hmapstore.infinispan;

/**
 * The store's XML element. Infinispan names a store's configuration by an enum constant whose
 * {@code toString()} is the element's local name (it appears in errors and in written-out XML).
 */
public enum HmapStoreElement {
    /** {@code <hmap-store>}, inside a cache's {@code <persistence>}. */
    HMAP_STORE("hmap-store");

    private final String localName;

    HmapStoreElement(String localName) {
        this.localName = localName;
    }

    @Override
    public String toString() {
        return localName;
    }
}

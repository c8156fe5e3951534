/**
 * hmapstore: an off-heap hash map store. Applications use {@code io.hmapstore} ({@code OffHeapMap},
 * its codecs, stats and exceptions); tools and tests may look inside an open store through
 * {@code io.hmapstore.inspect}. The layers beneath ({@code io.hmapstore.store}, {@code .table},
 * {@code .heap}) are not exported.
 */
module io.hmapstore.core {
    requires transitive io.hmapstore.memory;
    requires jdk.jfr;

    exports io.hmapstore;
    exports io.hmapstore.inspect;
}

/**
 * The store layer: the implementation behind {@code io.hmapstore.OffHeapMap}. It holds the Map
 * façade ({@link io.hmapstore.store.TableStore}), opening and the file lock, the superblock
 * ({@code StoreHeader}), the one optimistic-read gate ({@code SegmentAccess}), the long and segment
 * paths, cache bounds and eviction, iteration and inspection. The API reaches it through
 * {@link io.hmapstore.store.Stores} only; it calls down into {@code io.hmapstore.table},
 * {@code io.hmapstore.heap} and {@code io.hmapstore.memory}, and up only to the API's value types and
 * exceptions.
 */
package io.hmapstore.store;

/**
 * The table layer: the hash table ({@link io.hmapstore.table.HashTable}) and its algorithms (lookup,
 * mutation, growth and evacuation, scans, verify, recovery, checked reads) over the layouts it owns
 * ({@code SegmentHeader}, {@code BucketLayout}, {@code EntryLayout}). It calls only down, into
 * {@code io.hmapstore.heap} and {@code io.hmapstore.memory}; the store layer above
 * ({@code io.hmapstore.store}) decides who may call what. {@code docs/DESIGN.md} draws the layers.
 *
 * <h2>Memory order in accessor names</h2>
 *
 * <p>Each off-heap structure has one descriptor class ({@code StoreHeader} in the store layer,
 * {@code SegmentHeader}, {@code BucketLayout} and {@code EntryLayout} here, {@code BlockHeader} in the
 * heap) that owns its offsets and the
 * accessors that read and write them. As in JCTools, the name of an accessor says which memory order
 * it uses (the legend below holds for all three packages), so a reader sees at the call site what each access promises:
 *
 * <ul>
 *   <li><b>plain</b> (no suffix, or {@code Plain} where the field also has ordered accessors, e.g.
 *       {@code SegmentHeader.count(m, h)}, {@code BlockHeader.generation}): an ordinary load or store, which the
 *       compiler and CPU may reorder. Used for fields only the segment's writer stores, and for any
 *       field while no other thread can see the structure (recovery, {@code clear()} under every
 *       lock).</li>
 *   <li><b>acquire</b> ({@code getXxxAcquire}): no later load or store moves before it. A reader
 *       starting an optimistic read.</li>
 *   <li><b>release</b> ({@code setXxxRelease}): no earlier load or store moves after it. A writer
 *       ending a write section, so every data store is seen before the stamp.</li>
 *   <li><b>opaque</b> ({@code getXxxOpaque}): a load the compiler may not elide or merge, ordered by an
 *       explicit fence placed beside it (a seqlock's validation).</li>
 *   <li><b>volatile</b> ({@code getXxxVolatile}): sequentially consistent.</li>
 *   <li><b>cas</b> ({@code casXxx}): a volatile compare-and-set.</li>
 * </ul>
 *
 * <p>Crash ordering between plain stores (a slot before its tophash, an entry before the offset that
 * names it, a grow's header stores one after another) is made with a store-store fence
 * ({@code HashTable.publish()}), not with the accessors' names.
 */
package io.hmapstore.table;

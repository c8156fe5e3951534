/**
 * The heap layer: the entry heap that hands out every block of a store's region (size classes,
 * small blocks carved from slabs, large page-aligned blocks, the rebuild of its free lists on open),
 * and the reclamation of retired blocks once no reader can see them (reader epochs, the reclaimer).
 * It calls only down, into {@code io.hmapstore.memory}. {@code BlockHeader} is its descriptor; the
 * memory-order names of its accessors follow the legend in {@code io.hmapstore.table}'s package
 * documentation.
 */
package io.hmapstore.heap;

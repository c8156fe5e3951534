/**
 * The only layer of hmapstore that calls libc: reserved and mapped address ranges, release
 * policies, memory protection, and the process's own memory figures.
 *
 * <p>Everything here goes through the FFM linker ({@code java.lang.foreign}); there is no JNI and
 * no {@code sun.misc.Unsafe}. {@code Libc} holds every downcall and turns every failed call into a
 * {@link io.hmapstore.memory.NativeCallException} naming the call, its arguments and the errno.
 * {@link io.hmapstore.memory.MappedRegion} is the unit the store builds on: a range reserved once
 * that grows in place, hands out segments that fail cleanly (never crash) after close, and gives
 * memory back through a {@link io.hmapstore.memory.ReleasePolicy}.
 * {@link io.hmapstore.memory.ProcessMemory} and {@link io.hmapstore.memory.AddressMap} read
 * {@code /proc/self} for benchmarks and fault reports.
 *
 * <p>Layers only call down: nothing here knows about buckets or entries. Arguments are checked
 * before any system call, so bad input costs an exception, never a half-done change to a mapping.
 * The code is Linux x86_64 specific: constants and struct layouts are that ABI's.
 */
package io.hmapstore.memory;

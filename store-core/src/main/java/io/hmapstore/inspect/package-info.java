/**
 * A look inside an open store for tools, benchmarks and tests ({@link io.hmapstore.inspect.StoreProbe}):
 * exported beside the API so that no module outside store-core casts to an internal class or shares one
 * of its packages. Not for applications; it follows the file format of its release.
 */
package io.hmapstore.inspect;

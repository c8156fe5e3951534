/**
 * hmapstore's bottom layer: memory regions mapped, released and protected through libc, called with
 * the FFM linker. Run with {@code --enable-native-access=io.hmapstore.memory} on the module path (or
 * {@code ALL-UNNAMED} on the class path).
 */
module io.hmapstore.memory {
    exports io.hmapstore.memory;
}

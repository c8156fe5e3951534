package io.hmapstore.jcache;

/**
 * The {@code unwrap} of this provider's JCache types: each unwraps to its own class (or a supertype)
 * only, and a request for anything else names both classes.
 */
final class Unwrapping {
    private Unwrapping() {
    }

    /**
     * @param self the object asked to unwrap
     * @param clazz what it was asked for
     * @param what how the message names {@code self}, such as {@code "a cache entry"}
     * @return {@code self} as a {@code clazz}
     * @throws IllegalArgumentException if {@code self} is not a {@code clazz}
     */
    static <T> T unwrap(Object self, Class<T> clazz, String what) {
        if (clazz.isInstance(self)) {
            return clazz.cast(self);
        }
        throw new IllegalArgumentException(what + " unwraps to " + self.getClass().getName()
                + " only, not to " + clazz.getName());
    }
}

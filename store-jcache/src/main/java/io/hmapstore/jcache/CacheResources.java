package io.hmapstore.jcache;

import java.io.Closeable;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The background threads a cache starts, the user objects it closes and the logger it writes to,
 * handled the same way by every part of the cache: threads are daemons, and closing logs rather
 * than throws.
 */
final class CacheResources {
    /**
     * The logger of every part of a cache: named after {@link HmapCache}, the class users know and
     * configure logging for, whichever part logs.
     */
    static final System.Logger LOG = System.getLogger(HmapCache.class.getName());
    private static final AtomicInteger THREADS = new AtomicInteger();

    private CacheResources() {
    }

    /** Daemon threads: a cache nobody closed must not keep the JVM alive. */
    static ThreadFactory daemonThreads(String cacheName, String role) {
        return r -> {
            Thread t = new Thread(r, "hmapstore-jcache-" + cacheName + "-" + role + "-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Stops an executor, giving the work in it a while to finish; {@code null} is none started. */
    static void shutdown(ExecutorService executor, String cacheName) {
        if (executor == null) {
            return;
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "cache " + cacheName + ": background work still running after close");
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Closes a loader, writer, expiry policy or listener that is {@link Closeable}: JSR-107 asks
     * the cache to, and one that fails to close must not stop the others.
     */
    static void closeQuietly(Object o, String cacheName) {
        if (o instanceof Closeable c) {
            try {
                c.close();
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "cache " + cacheName + ": closing " + o.getClass().getName() + " failed", e);
            }
        }
    }
}

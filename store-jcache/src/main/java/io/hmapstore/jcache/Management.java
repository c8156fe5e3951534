package io.hmapstore.jcache;

import java.lang.management.ManagementFactory;
import javax.cache.CacheException;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.StandardMBean;

/**
 * Registers a cache's MXBeans with the platform MBean server under the names JSR-107 fixes:
 * {@code javax.cache:type=CacheStatistics|CacheConfiguration,CacheManager=<uri>,Cache=<name>}.
 */
final class Management {

    /** The two kinds of bean a cache may register. */
    enum Type {
        CONFIGURATION("CacheConfiguration"),
        STATISTICS("CacheStatistics");

        final String objectType;

        Type(String objectType) {
            this.objectType = objectType;
        }
    }

    private Management() {
    }

    /**
     * @param cache the cache
     * @param type which bean
     * @return its object name, with the characters JMX reserves in values replaced by '.'
     */
    static ObjectName objectName(HmapCache<?, ?> cache, Type type) {
        String manager = safe(cache.getCacheManager().getURI().toString());
        String name = safe(cache.getName());
        try {
            return new ObjectName("javax.cache:type=" + type.objectType + ",CacheManager=" + manager + ",Cache=" + name);
        } catch (MalformedObjectNameException e) {
            throw new CacheException("cannot name the " + type.objectType + " MBean of cache " + name
                    + " in manager " + manager, e);
        }
    }

    private static String safe(String s) {
        return s == null ? "" : s.replaceAll("[,:=\n]", ".");
    }

    /**
     * Registers a bean.
     *
     * @return whether it was registered: false when a bean of that name is already there (a cache of
     *     the same name in a manager of the same URI under another class loader), which then stays
     */
    static <T> boolean register(HmapCache<?, ?> cache, Type type, T bean, Class<T> mxbeanInterface) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = objectName(cache, type);
        try {
            server.registerMBean(new StandardMBean(bean, mxbeanInterface, true), name);
            return true;
        } catch (InstanceAlreadyExistsException e) {
            return false;
        } catch (JMException e) {
            throw new CacheException("cannot register MBean " + name, e);
        }
    }

    /**
     * Registers a bean that is wanted and not registered yet, or unregisters one that is registered
     * and no longer wanted; a closed cache registers nothing.
     *
     * @param registered whether this cache registered the bean
     * @return whether it has the bean registered now
     */
    static <T> boolean toggle(HmapCache<?, ?> cache, boolean closed, Type type, boolean registered, boolean wanted,
            T bean, Class<T> mxbeanInterface) {
        if (wanted && !registered && !closed) {
            return register(cache, type, bean, mxbeanInterface);
        }
        if (!wanted && registered) {
            unregister(cache, type);
            return false;
        }
        return registered;
    }

    /** Unregisters a bean this cache registered; tolerates one that is already gone. */
    static void unregister(HmapCache<?, ?> cache, Type type) {
        ObjectName name = objectName(cache, type);
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        } catch (InstanceNotFoundException e) {
            // Already gone: nothing to undo.
        } catch (JMException e) {
            throw new CacheException("cannot unregister MBean " + name, e);
        }
    }
}

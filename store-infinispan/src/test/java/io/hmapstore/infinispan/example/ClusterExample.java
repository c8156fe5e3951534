package io.hmapstore.infinispan.example;

import org.infinispan.Cache;
import org.infinispan.manager.DefaultCacheManager;

/**
 * One node of a cluster configured by {@code hmap-cluster-example.xml}: it writes a few orders, reads
 * every order it can see (its own and the other nodes'), and stops. Start it on several machines (or
 * several times on one, each with its own {@code -Dhmap.example.dir=...}); stop it and start it again and
 * its orders come back from its hmapstore files.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -Dhmap.example.dir=/tmp/node1 -cp ... \
 *     io.hmapstore.infinispan.example.ClusterExample node1
 * </pre>
 */
public final class ClusterExample {
    private ClusterExample() {
    }

    public static void main(String[] args) throws Exception {
        String node = args.length > 0 ? args[0] : "node1";
        try (DefaultCacheManager manager = new DefaultCacheManager("hmap-cluster-example.xml")) {
            Cache<String, String> orders = manager.getCache("orders");
            System.out.printf("%s: %d orders before writing (from the files and the other nodes)%n", node, orders.size());
            for (int i = 0; i < 5; i++) {
                orders.put(node + "-order-" + i, "order " + i + " placed through " + node);
            }
            System.out.printf("%s: %d orders in the cluster, members %s%n", node, orders.size(), manager.getMembers());
        }
    }
}

package io.hmapstore.infinispan.cluster;

import io.hmapstore.infinispan.HmapStore;
import io.hmapstore.infinispan.HmapStoreConfigurationBuilder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.infinispan.Cache;
import org.infinispan.configuration.cache.CacheMode;
import org.infinispan.configuration.cache.ConfigurationBuilder;
import org.infinispan.configuration.global.GlobalConfigurationBuilder;
import org.infinispan.manager.DefaultCacheManager;
import org.infinispan.persistence.manager.PersistenceManager;
import org.infinispan.remoting.transport.jgroups.JGroupsTransport;
import org.infinispan.topology.CacheTopology;

/**
 * One node of {@link ThreeNodeClusterTest}, in its own JVM so that it can be killed like a real
 * node (its mapped files left dirty, their locks dropped by the kernel) and restarted on the same
 * directory.
 *
 * <p>Arguments: node name, data directory, its JGroups port, every node's {@code host[port]}. It
 * starts a distributed cache with two owners whose store is an {@link HmapStore} under the node's
 * global state directory, prints {@code ready}, then answers one command per line on stdin with one
 * line on stdout starting with {@code =}:
 * {@code put PREFIX N VALUE} (writes PREFIX0..PREFIX(N-1)),
 * {@code check PREFIX N VALUE} (how many read back equal to VALUE), {@code size},
 * {@code store-size} (entries in this node's own files), {@code recovered} (entries its files held
 * when the store opened them), {@code members}, {@code coordinator} (whether this node is the JGroups coordinator), {@code stable-owners} (the members segments are spread over once no rebalance is
 * in progress, else 0), {@code status} (the cache's lifecycle status), {@code shutdown-cluster} (Infinispan's controlled
 * cluster-wide cache shutdown) and {@code stop}.
 */
public final class ClusterNode {
    static final String CACHE = "data";
    static final int SEGMENTS = 32;

    private ClusterNode() {
    }

    public static void main(String[] args) throws Exception {
        String name = args[0];
        Path dir = Path.of(args[1]);
        System.setProperty("hmap.cluster.port", args[2]);
        System.setProperty("hmap.cluster.hosts", args[3]);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);

        GlobalConfigurationBuilder global = GlobalConfigurationBuilder.defaultClusteredBuilder();
        global.transport().clusterName("hmap-cluster-test").nodeName(name)
                .addProperty(JGroupsTransport.CONFIGURATION_FILE, "cluster-jgroups.xml");
        global.globalState().enable().persistentLocation(dir.toString());
        ConfigurationBuilder cache = new ConfigurationBuilder();
        cache.clustering().cacheMode(CacheMode.DIST_SYNC).hash().numOwners(2).numSegments(SEGMENTS);
        cache.persistence().addStore(HmapStoreConfigurationBuilder.class).expectedEntries(10_000);

        try (DefaultCacheManager manager = new DefaultCacheManager(global.build())) {
            manager.defineConfiguration(CACHE, cache.build());
            Cache<String, String> data = manager.getCache(CACHE);
            out.println("ready");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                String[] c = line.split(" ");
                try {
                    switch (c[0]) {
                        case "put" -> {
                            int n = Integer.parseInt(c[2]);
                            for (int i = 0; i < n; i++) {
                                data.put(c[1] + i, c[3]);
                            }
                            out.println("=ok");
                        }
                        case "check" -> {
                            int n = Integer.parseInt(c[2]);
                            int same = 0;
                            for (int i = 0; i < n; i++) {
                                same += c[3].equals(data.get(c[1] + i)) ? 1 : 0;
                            }
                            out.println("=" + same);
                        }
                        case "size" -> out.println("=" + data.size());
                        case "store-size" -> out.println("=" + store(data).entriesInFiles());
                        case "recovered" -> out.println("=" + store(data).recoveredEntries());
                        case "members" -> out.println("=" + manager.getMembers().size());
                        case "coordinator" -> out.println("=" + manager.isCoordinator());
                        case "stable-owners" -> {
                            // The members the cache's consistent hash spreads segments over, once no
                            // rebalance is in progress (0 while one is).
                            var topology = data.getAdvancedCache().getDistributionManager().getCacheTopology();
                            boolean settled = topology.getPhase() == CacheTopology.Phase.NO_REBALANCE
                                    && topology.getPendingCH() == null;
                            out.println("=" + (settled ? topology.getCurrentCH().getMembers().size() : 0));
                        }
                        case "shutdown-cluster" -> {
                            data.shutdown();
                            out.println("=ok");
                        }
                        case "status" -> out.println("=" + data.getStatus());
                        case "stop" -> {
                            out.println("=ok");
                            return;
                        }
                        default -> out.println("=error unknown command " + c[0]);
                    }
                } catch (RuntimeException e) {
                    out.println("=error " + e);
                }
            }
        }
    }

    private static HmapStore<?, ?> store(Cache<?, ?> cache) {
        PersistenceManager pm = org.infinispan.factories.ComponentRegistry.componentOf(cache, PersistenceManager.class);
        return pm.getStores(HmapStore.class).iterator().next();
    }
}

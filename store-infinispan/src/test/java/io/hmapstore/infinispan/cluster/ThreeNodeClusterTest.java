package io.hmapstore.infinispan.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three Infinispan nodes, each its own JVM, a distributed cache with two owners, each node's share in
 * its own hmapstore files.
 *
 * <ol>
 *   <li>Writes through any node are read through every other, and the three nodes' files hold every
 *       entry exactly twice.</li>
 *   <li>One node is killed with SIGKILL: the other two serve every entry, and take writes.</li>
 *   <li>It restarts on the same directory: its store recovers its files (holding exactly what they
 *       held when it was killed), it rejoins, serves the writes made while it was down, and the
 *       files converge to every entry twice again.</li>
 *   <li>Infinispan's controlled shutdown of the whole cluster, then all three restart: every entry
 *       comes back from the files (the stores hold them before anything is read).</li>
 * </ol>
 *
 * <p>The node killed is never the JGroups coordinator: {@code a} starts alone and becomes it, and
 * {@code c} is killed. In Infinispan 16.2.2, once the coordinator has changed, {@code cache.shutdown()}
 * stops only the calling node's cache: the new coordinator rebuilt the cache's {@code ClusterCacheStatus}
 * by cluster recovery, which leaves it {@code INSTANTIATED} (only the first member's join or a restore
 * from persistent state make it {@code RUNNING}), and {@code ClusterCacheStatus.shutdownCache()}
 * broadcasts the shutdown only when it is {@code RUNNING}. When the three nodes started together, the
 * killed {@code c} was the coordinator in about one run of three, and the other two caches then stayed
 * {@code RUNNING} (see the module README).
 */
class ThreeNodeClusterTest {
    private static final String[] NAMES = {"a", "b", "c"};

    @TempDir
    Path root;

    private final NodeProcess[] nodes = new NodeProcess[3];
    private final long started = System.nanoTime();
    private final int[] ports = new int[3];
    private String hosts;

    @Test
    void writesReadEverywhereSurviveAKillAndAWholeClusterRestart() throws Exception {
        phase("start a, then b and c");
        startAll(true);
        assertEquals("true", nodes[0].call("coordinator"), "a, started first, is the coordinator");

        // 1. Any node writes, every other reads; two copies of each entry across the files.
        phase("1. writes and reads");
        assertEquals("ok", nodes[0].call("put k 300 v1"));
        assertEquals("ok", nodes[2].call("put m 300 w1"));
        for (NodeProcess n : nodes) {
            assertEquals(300, n.callLong("check k 300 v1"));
            assertEquals(300, n.callLong("check m 300 w1"));
        }
        assertEquals(1200, storeEntries(0, 1, 2), "600 entries, two owners each");

        // 2. Kill c (not the coordinator) without shutdown: a and b serve everything and take writes.
        phase("2. kill c");
        long cHeld = nodes[2].callLong("store-size");
        assertTrue(cHeld > 0, "c's files held part of the data: " + cHeld);
        nodes[2].kill();
        await(() -> nodes[0].callLong("members") == 2, "a sees c gone");
        for (int i = 0; i < 2; i++) {
            assertEquals(300, nodes[i].callLong("check k 300 v1"));
            assertEquals(300, nodes[i].callLong("check m 300 w1"));
        }
        assertEquals("ok", nodes[0].call("put n 200 x"));
        assertEquals("ok", nodes[1].call("put k 100 v2"));

        // 3. c restarts on its files, recovers them, rejoins and serves the writes it missed.
        phase("3. restart c");
        choosePorts(2);
        nodes[2] = NodeProcess.start(NAMES[2], root.resolve(NAMES[2]), ports[2], hosts);
        nodes[2].awaitReady();
        assertEquals(cHeld, nodes[2].callLong("recovered"), "c's files after SIGKILL hold what they held");
        await(() -> nodes[2].callLong("members") == 3, "c rejoined");
        assertEquals(200, nodes[2].callLong("check n 200 x"));
        assertEquals(100, nodes[2].callLong("check k 100 v2"));
        assertEquals(200, nodes[2].callLong("check k 300 v1"), "k100..k299 kept v1");
        assertEquals(300, nodes[2].callLong("check m 300 w1"));
        // The total can read 1600 before the rebalance onto c has run (a and b own everything, c's
        // stale segments dropped): one run then shut down mid-rebalance and restarted with 2163 entries
        // in the files. Wait for the rebalance to finish on every node first.
        for (NodeProcess n : nodes) {
            await(() -> n.callLong("stable-owners") == 3, "the rebalance onto c finished");
        }
        await(() -> storeEntries(0, 1, 2) == 1600 && nodes[2].callLong("store-size") > 0,
                "files converge to 800 entries twice, c holding its share");

        // 4. Whole-cluster controlled shutdown, restart: every entry back from the files.
        phase("4. cluster shutdown");
        String before = describe("store-size");
        assertEquals("ok", nodes[0].call("shutdown-cluster"));
        // The shutdown returns on a before b and c have stopped their caches: stopping a's process then
        // made b and c take a's segments (their files held all 800 entries each at restart). Stop the
        // processes only once every node's cache has terminated.
        String[] status = new String[3];
        await(() -> {
            for (int i = 0; i < 3; i++) {
                status[i] = nodes[i].call("status");
            }
            return List.of(status).stream().allMatch("TERMINATED"::equals);
        }, () -> "every node's cache stopped by the cluster shutdown: " + List.of(status));
        for (NodeProcess n : nodes) {
            n.stop();
        }
        String stopped = describe(null);
        phase("4. restart all three");
        startAll(false);
        long recovered = 0;
        for (NodeProcess n : nodes) {
            recovered += n.callLong("recovered");
        }
        assertEquals(1600, recovered, "the three nodes' files held every entry twice at restart; before the shutdown "
                + before + "; after it " + stopped + "; at restart " + describe("recovered"));
        // The cache answers once Infinispan has recovered its topology with all three members back.
        await(() -> answers(nodes[0], "size"), "the restarted cluster recovered its topology");
        phase("4. reads after the restart");
        for (NodeProcess n : nodes) {
            assertEquals(800, n.callLong("size"));
            assertEquals(200, n.callLong("check n 200 x"));
            assertEquals(100, n.callLong("check k 100 v2"));
            assertEquals(200, n.callLong("check k 300 v1"));
            assertEquals(300, n.callLong("check m 300 w1"));
        }
    }

    /** Prints when each phase starts (in the test's output), to see where a slow run spent its time. */
    private void phase(String name) {
        System.out.printf("ThreeNodeClusterTest %6d ms: %s%n", (System.nanoTime() - started) / 1_000_000, name);
    }

    @AfterEach
    void killAll() {
        phase("end");
        for (NodeProcess n : nodes) {
            if (n != null) {
                n.close();
            }
        }
    }

    /**
     * Starts the three nodes. With {@code aFirst}, a is started alone and its cache awaited before b
     * and c start: a forms the cluster and is its coordinator (the first member of the JGroups view) for
     * as long as it runs. The restart after the cluster shutdown starts them together, as an operator
     * would: each waits there for the others before its cache's topology is restored.
     */
    private void startAll(boolean aFirst) throws IOException {
        choosePorts(0, 1, 2);
        for (int i = 0; i < 3; i++) {
            nodes[i] = NodeProcess.start(NAMES[i], root.resolve(NAMES[i]), ports[i], hosts);
            if (aFirst && i == 0) {
                nodes[0].awaitReady();
            }
        }
        for (int i = aFirst ? 1 : 0; i < 3; i++) {
            nodes[i].awaitReady();
        }
    }

    /** @return each node's answer to {@code command} (none if null) and its segment files */
    private String describe(String command) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            b.append(NAMES[i]).append('=').append(command == null ? "" : nodes[i].call(command)).append(' ');
            Path hmap = root.resolve(NAMES[i]).resolve(ClusterNode.CACHE).resolve("hmap");
            if (java.nio.file.Files.isDirectory(hmap)) {
                try (var files = java.nio.file.Files.list(hmap)) {
                    b.append(files.map(f -> f.getFileName().toString()).filter(f -> f.startsWith("segment-"))
                            .map(f -> f.substring(8, f.length() - 5)).sorted().toList());
                }
            }
            b.append("; ");
        }
        return b.toString();
    }

    private long storeEntries(int... which) throws IOException {
        long total = 0;
        for (int i : which) {
            total += nodes[i].callLong("store-size");
        }
        return total;
    }

    private static boolean answers(NodeProcess node, String command) throws IOException {
        try {
            node.call(command);
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    private static void await(Callable<Boolean> condition, String what) throws Exception {
        await(condition, () -> what);
    }

    private static void await(Callable<Boolean> condition, java.util.function.Supplier<String> what) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what.get());
            }
            Thread.sleep(200);
        }
    }

    /**
     * Gives the nodes {@code which} ports free now, and lists every node's current port in {@link #hosts}.
     *
     * <p>A node is never restarted on its old port. Once the process holding a port has died, the port
     * is back in the kernel's ephemeral range, and the other nodes keep connecting to it: one CI run's
     * restart of the killed {@code c} found its port taken ("No available port to bind to"). The
     * node's identity in the cluster is its persistent UUID in its global state, not its address, so a
     * restart on another port rejoins as the same member.
     */
    private void choosePorts(int... which) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i : which) {
                ServerSocket s = new ServerSocket(0);
                sockets.add(s);
                ports[i] = s.getLocalPort();
            }
            hosts = "127.0.0.1[" + ports[0] + "],127.0.0.1[" + ports[1] + "],127.0.0.1[" + ports[2] + "]";
        } finally {
            for (ServerSocket s : sockets) {
                s.close();
            }
        }
    }
}

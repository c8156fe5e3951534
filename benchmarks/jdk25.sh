# Sourced by the run-*.sh scripts: sets JAVA to a JDK >= 25 (JAVA if already set, else the newest under
# /usr/lib/jvm), JAR to the benchmarks jar, and builds the jar if it is missing.
JAVA=${JAVA:-}
if [ -z "$JAVA" ]; then
  for j in $(ls -d /usr/lib/jvm/*/bin/java 2>/dev/null | sort -V -r); do
    v=$("$j" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
    if [ -n "$v" ] && [ "$v" -ge 25 ]; then JAVA=$j; break; fi
  done
fi
[ -n "$JAVA" ] || { echo "no JDK >= 25 under /usr/lib/jvm; set JAVA=/path/to/bin/java" >&2; exit 1; }
JAR=benchmarks/target/benchmarks.jar
if [ ! -f "$JAR" ] || [ "${BUILD:-0}" = 1 ]; then
  mvn -q -B -pl benchmarks -am package -DskipTests
fi
# The flags Chronicle Map, lmdbjava and hmapstore need, for JVMs these scripts start themselves (-f 0).
mapfile -t PEER_FLAGS < <("$JAVA" -cp "$JAR" io.hmapstore.bench.PeerJvm)
# Subjects that allow two writing threads (the single-writer modes detect a second writer by design, and
# BareBucket, the bare table, refuses a second handle).
# Not LmdbTxnPerBatch: a thread holds LMDB's single write lock across up to 1,024 operations, so when an
# iteration ends the other thread can be left blocked inside LMDB on that lock while the holder waits
# for the iteration to end (seen as a hang with 100 ms iterations).
CONCURRENT_SUBJECTS=Hmap,HmapHugePages,HmapFile,HmapBoxed,ConcurrentHashMap,Caffeine,EhcacheOffHeap,ChronicleMap,LmdbTxnPerOp

#!/usr/bin/env bash
# Smoke profile: proves every peer benchmark and tool runs, in ~12 minutes (SMOKE_TIME=200ms: ~5 minutes).
# CI profile (PROFILE=ci, run by .ci/run): every benchmark of the jar on a subject of each kind, 100 ms
# each on 65,536 entries, plus the forked start of Chronicle Map and LMDB and every tool, in ~1 minute.
# Numbers from either are NOT results: one short iteration, no warm-up, every benchmark in one JVM (-f 0).
# A benchmark that throws fails the script (-foe true).
#
#   benchmarks/run-smoke.sh                 from the repository root; builds the jar if it is missing
#   SMOKE_TIME=200ms benchmarks/run-smoke.sh
#   PROFILE=ci benchmarks/run-smoke.sh
#   JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java BUILD=1 benchmarks/run-smoke.sh
#
# Writes benchmarks/target/smoke/{forked,smoke-1t,smoke-2t}.json, charts, the footprint tables and a profile.
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/jdk25.sh
if [ "${PROFILE:-smoke}" = ci ]; then
  T=${SMOKE_TIME:-100ms}; ENTRIES=65536          # PeerRemoveBenchmark needs 2 x threads x 16,384
  BENCHMARKS='io.hmapstore.bench.*'            # CoreBenchmark and MemoryReuseBenchmark too
  # one key distribution, one release policy, a subject of each kind
  PICK=(-p dist=zipf -p policy=DONTNEED
        -p subject=BareBucket,Hmap,HmapSingleWriter,HmapBoxed,ConcurrentHashMap,Caffeine,EhcacheOffHeap,ChronicleMap,LmdbTxnPerOp)
  CONCURRENT_SUBJECTS=Hmap,ChronicleMap,LmdbTxnPerOp
else
  T=${SMOKE_TIME:-1s}; ENTRIES=100000
  BENCHMARKS='io.hmapstore.bench.Peer.*Benchmark'
  PICK=()
fi
OUT=benchmarks/target/smoke
mkdir -p "$OUT"
JMH=("$JAVA" -jar "$JAR" -foe true)
SMALL=(-p size=$ENTRIES)
# 1. Forked, as the full profile runs: the @Fork flags must start Chronicle Map and LMDB on JDK 25.
"${JMH[@]}" 'PeerGetPutBenchmark.getHit' -f 1 -wi 0 -i 1 -r "$T" "${SMALL[@]}" -jvmArgs -Xmx1g \
  -p subject=Hmap,ChronicleMap,LmdbTxnPerBatch -p values=BYTES100 -p dist=zipf -rf json -rff "$OUT/forked.json"
# 2. Every benchmark of the profile, one thread, in this JVM (-f 0): ~520 runs (CI: 240, shorter).
IN_JVM=("$JAVA" -Xmx3g "${PEER_FLAGS[@]}" -jar "$JAR" -foe true -f 0 -wi 0 -i 1 -w "$T" -r "$T" "${SMALL[@]}")
"${IN_JVM[@]}" "$BENCHMARKS" "${PICK[@]}" -rf json -rff "$OUT/smoke-1t.json"
# 3. Two threads: the writing workloads on the subjects that allow two writers.
"${IN_JVM[@]}" 'PeerGetPutBenchmark.mix50|PeerPutNewBenchmark|PeerRemoveBenchmark' -t 2 -p dist=zipf \
  -p subject="$CONCURRENT_SUBJECTS" -rf json -rff "$OUT/smoke-2t.json"
# 4. The tools: memory per entry, GC footprint, chart, before/after.
"$JAVA" -cp "$JAR" io.hmapstore.bench.MemoryPerEntry --entries $ENTRIES --heap 1g --values LONG \
  --subjects Hmap,ConcurrentHashMap,ChronicleMap,LmdbTxnPerBatch | tee "$OUT/memory.txt"
"$JAVA" -cp "$JAR" io.hmapstore.bench.GcFootprint --entries $ENTRIES --heap 1g --values BYTES100 \
  --subjects Hmap,ConcurrentHashMap | tee "$OUT/gc.txt"
"$JAVA" -cp "$JAR" io.hmapstore.bench.ResultsChart "$OUT/smoke-1t.json" "$OUT/charts/smoke"
"$JAVA" -cp "$JAR" io.hmapstore.bench.CompareResults "$OUT/smoke-1t.json" "$OUT/smoke-1t.json" | tail -3
# 5. A profiled run (benchmarks/profile.sh: async-profiler from Maven Central, itimer sampling).
OUT="$OUT/profile" benchmarks/profile.sh 'PeerGetPutBenchmark.getHit' -wi 0 -i 1 -r "$T" "${SMALL[@]}" \
  -p subject=Hmap -p values=LONG -p dist=uniform -jvmArgs -Xmx1g | tail -1
echo "smoke profile passed: $(grep -c '"benchmark"' "$OUT"/*.json | awk -F: '{s+=$2} END {print s}') benchmark runs"

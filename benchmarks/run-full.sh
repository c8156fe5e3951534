#!/usr/bin/env bash
# Full profile of issue 7's suite (and issue 4's measured mixes). Run it on a quiet machine: ~6 hours on
# 2 cores for every step; each step alone is listed with its time below.
#
#   benchmarks/run-full.sh                       every step, in the order below (~6 h)
#   benchmarks/run-full.sh bar memory gc         chosen steps only
#   RESULTS=/some/dir benchmarks/run-full.sh     (default benchmarks/results/<date-time>)
#
# step          what                                                                  runs  time
# bar           issue 7's bar: getHit + putNew, uniform, 1M and 10M, hmapstore (both modes) vs CHM,
#               Chronicle Map and LMDB, beside the BareBucket floor, with -prof gc       56   ~23 min
# getput-1t     PeerGetPutBenchmark, 1 thread, 1M: all subjects, values, dists          312   ~50 min
# getput-2t     PeerGetPutBenchmark, 2 threads, 1M, the concurrent subjects             216   ~37 min
# getput-10m    getHit/getMiss/putUpdate at 10M, 1 thread                               156   ~42 min
# putnew        PeerPutNewBenchmark 1M, 1 and 2 threads                                  44   ~16 min
# putnew-10m    PeerPutNewBenchmark 10M, 1 thread (2 warm-up + 3 measured iterations)    26   ~26 min
# remove        PeerRemoveBenchmark 1M, 1 and 2 threads; 10M, 1 thread                   70   ~7 min
# latency       PeerLatencyBenchmark (SampleTime: p50..p99.99), 1M, 1 and 2 threads      264   ~58 min
# memory        MemoryPerEntry, 1M and 10M entries                                        48   ~20 min
# gc            GcFootprint, 10M entries, heap 6g                                         24   ~20 min
# charts        ResultsChart PNGs for every JSON in RESULTS                                      <1 min
#
# Per run: ~12 s at 1M (JVM start, keys, fill, 3 x 1 s warm-up, 5 x 1 s measured), ~20 s at 10M; put-new
# refills its store before every iteration (~8 s each at 10M). Measured from smoke runs on this machine;
# the steps' times were measured (getput-*, remove) or estimated with 10 subjects, and are scaled here by
# the runs issue 17's three subjects (BareBucket, Caffeine, EhcacheOffHeap) add.
# Every JMH step writes RESULTS/<step>.json (-rf json) and RESULTS/<step>.txt; compare two runs with
#   java -cp benchmarks/target/benchmarks.jar io.hmapstore.bench.CompareResults --metric gc.alloc.rate.norm OLD.json NEW.json
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/jdk25.sh
RESULTS=${RESULTS:-benchmarks/results/$(date +%Y%m%d-%H%M)}
mkdir -p "$RESULTS"
ALL=(bar getput-1t getput-2t getput-10m putnew putnew-10m remove latency memory gc charts)
STEPS=("$@")
[ ${#STEPS[@]} -gt 0 ] || STEPS=("${ALL[@]}")

jmh() {  # jmh STEP ARGS...: one JMH run, its JSON and its log
  local step=$1; shift
  echo "=== $step: $*  ($(date +%T))"
  "$JAVA" -jar "$JAR" "$@" -rf json -rff "$RESULTS/$step.json" 2>&1 | tee "$RESULTS/$step.txt"
}

{
  echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
  echo "java: $("$JAVA" -version 2>&1 | head -1); commit: $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "thp: $(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null)"; echo "steps: ${STEPS[*]}"
} | tee "$RESULTS/machine.txt"

for step in "${STEPS[@]}"; do
  case $step in
    bar)        jmh bar 'PeerGetPutBenchmark.getHit|PeerPutNewBenchmark' -prof gc -p dist=uniform \
                  -p size=1000000,10000000 -p subject=BareBucket,Hmap,HmapSingleWriter,HmapHugePages,ConcurrentHashMap,ChronicleMap,LmdbTxnPerBatch ;;
    getput-1t)  jmh getput-1t PeerGetPutBenchmark -prof gc ;;
    getput-2t)  jmh getput-2t PeerGetPutBenchmark -t 2 -prof gc -p subject="$CONCURRENT_SUBJECTS" ;;
    getput-10m) jmh getput-10m 'PeerGetPutBenchmark.(getHit|getMiss|putUpdate)$' -prof gc -p size=10000000 ;;
    putnew)     jmh putnew-1t PeerPutNewBenchmark -prof gc
                jmh putnew-2t PeerPutNewBenchmark -t 2 -prof gc -p subject="$CONCURRENT_SUBJECTS" ;;
    putnew-10m) jmh putnew-10m PeerPutNewBenchmark -prof gc -p size=10000000 -wi 2 -i 3 ;;
    remove)     jmh remove-1t PeerRemoveBenchmark -prof gc
                jmh remove-2t PeerRemoveBenchmark -t 2 -prof gc -p subject="$CONCURRENT_SUBJECTS"
                jmh remove-10m PeerRemoveBenchmark -prof gc -p size=10000000 ;;
    latency)    jmh latency-1t PeerLatencyBenchmark
                jmh latency-2t PeerLatencyBenchmark -t 2 -p subject="$CONCURRENT_SUBJECTS" ;;
    memory)     "$JAVA" -cp "$JAR" io.hmapstore.bench.MemoryPerEntry --entries 1000000 --csv "$RESULTS/memory-1m.csv" \
                  | tee "$RESULTS/memory-1m.txt"
                "$JAVA" -cp "$JAR" io.hmapstore.bench.MemoryPerEntry --entries 10000000 --csv "$RESULTS/memory-10m.csv" \
                  | tee "$RESULTS/memory-10m.txt" ;;
    gc)         "$JAVA" -cp "$JAR" io.hmapstore.bench.GcFootprint --entries 10000000 --heap 6g --csv "$RESULTS/gc-10m.csv" \
                  | tee "$RESULTS/gc-10m.txt" ;;
    charts)     for f in "$RESULTS"/*.json; do
                  "$JAVA" -cp "$JAR" io.hmapstore.bench.ResultsChart "$f" "$RESULTS/charts/$(basename "$f" .json)"
                done ;;
    *)          echo "unknown step $step; steps: ${ALL[*]}" >&2; exit 64 ;;
  esac
done
echo "done: $RESULTS"

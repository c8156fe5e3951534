#!/usr/bin/env bash
# Profiles JMH benchmarks with async-profiler (tools.profiler:async-profiler from Maven Central, fetched
# once into benchmarks/target/async-profiler). It samples in `itimer` mode, which needs no perf_events
# (this VM has no hardware counters). Every other argument goes to JMH as is.
#
#   benchmarks/profile.sh 'PeerGetPutBenchmark.getHit' -p values=LONG -p dist=uniform -p subject=Hmap
#   OUT=/tmp/prof INTERVAL=1ms benchmarks/profile.sh 'PeerPutNewBenchmark' -p values=LONG -p subject=Hmap
#
# Per run it writes, under OUT (default benchmarks/target/profile/<date-time>), a summary of the methods
# the samples landed in (summary-itimer.txt, also printed) and flame graphs (flame-itimer-*.html).
# Defaults: 2 warm-up and 3 measured iterations of 1 s, one fork (a fork per run, so ~15 s a run).
#
# Reading it: on a table larger than the caches a sample lands where the CPU waits for a load, so a
# lookup's share of samples is mostly its cache misses, not its instructions.
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/jdk25.sh
VERSION=4.1
case "$(uname -m)" in
  x86_64) ARCH=linux-x64 ;;
  aarch64) ARCH=linux-arm64 ;;
  *) echo "async-profiler $VERSION ships no library for $(uname -m)" >&2; exit 1 ;;
esac
DIR=benchmarks/target/async-profiler
LIB=$DIR/$ARCH/libasyncProfiler.so
if [ ! -f "$LIB" ]; then
  mvn -q -B dependency:copy -Dartifact=tools.profiler:async-profiler:$VERSION -DoutputDirectory="$DIR"
  (cd "$DIR" && "$(dirname "$JAVA")/jar" xf async-profiler-$VERSION.jar "$ARCH/libasyncProfiler.so")
fi
[ $# -gt 0 ] || { echo "usage: benchmarks/profile.sh BENCHMARK-REGEX [JMH options]" >&2; exit 2; }
OUT=${OUT:-benchmarks/target/profile/$(date +%Y%m%d-%H%M%S)}
INTERVAL=${INTERVAL:-1ms}
case "$INTERVAL" in  # async-profiler's interval is in nanoseconds
  *us) NS=$(( ${INTERVAL%us} * 1000 )) ;;
  *ms) NS=$(( ${INTERVAL%ms} * 1000000 )) ;;
  *) NS=$INTERVAL ;;
esac
mkdir -p "$OUT"
DEFAULTS=()  # JMH refuses an option given twice: add a default only where the caller gave none
for d in "-f 1" "-wi 2" "-i 3"; do
  given=0
  for a in "$@"; do [ "$a" = "${d%% *}" ] && given=1; done
  [ $given = 1 ] || DEFAULTS+=(${d})
done
"$JAVA" -jar "$JAR" -foe true "${DEFAULTS[@]}" "$@" \
  -prof "async:libPath=$PWD/$LIB;event=itimer;interval=$NS;output=text,flamegraph;flat=20;traces=0;dir=$OUT" \
  | tee "$OUT/jmh.txt"
summaries=$(find "$OUT" -name 'summary-itimer.txt' | wc -l)
[ "$summaries" -gt 0 ] || { echo "no profile written under $OUT" >&2; exit 1; }
echo "profiled $summaries run(s): $OUT"

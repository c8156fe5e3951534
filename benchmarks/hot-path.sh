#!/usr/bin/env bash
# Counts the instructions C2 lays out on a lookup's expected path: from the entry of the benchmark
# subject's get, as compiled, to its first return, with the store's own code inlined into it. Unlike a
# timing on a shared VM, the count barely moves from run to run, so it shows what a change to the lookup
# did to its length (fewer instructions per lookup let the CPU overlap more lookups' cache misses;
# benchmarks/README.md, "Shorter lookups"). It is the layout's length, not what a lookup runs: the fill's
# puts share the short lookup with the gets (the in-place updates try it first), and when the compile
# takes their misses for the common case, the hit's return is laid out further down (Hmap getHit read
# 207 to 325 at one commit). Take the least of three runs.
#
#   benchmarks/hot-path.sh [getHit|getMiss] [Hmap|HmapBoxed|BareBucket] [LONG|BYTES100]
#
# 1 min; default getMiss Hmap LONG. With BYTES100, Hmap and BareBucket copy 100-byte values out into a
# reused segment (get(MemorySegment, MemorySegment)), and HmapBoxed returns a new byte[].
#
# Needs gcc and libcapstone-dev (Debian: apt-get install gcc libcapstone-dev) to build the disassembler
# plugin (tools/hsdis-capstone.c). Runs benchmarks/target/benchmarks.jar (jdk25.sh builds it if it is
# missing), or the jar named by JAR=. Writes the whole listing to
# benchmarks/target/hot-path-<benchmark>-<subject>-<values>.txt.
set -euo pipefail
custom_jar=${JAR:-}
cd "$(dirname "$0")/.."
source benchmarks/jdk25.sh            # JAVA, a JDK >= 25; JAR, built if missing
jar=${custom_jar:-$JAR}
here=$PWD/benchmarks
bench=${1:-getMiss}
subject=${2:-Hmap}
values=${3:-LONG}
case "$values" in
  LONG) handles=(Longs LongsBoxed) ;;
  BYTES100) handles=(Segments BytesBoxed) ;;
  *) echo "hot-path.sh: values must be LONG or BYTES100, not $values" >&2; exit 2 ;;
esac
case "$subject" in
  Hmap) method="io.hmapstore.bench.subjects.HmapStore\$${handles[0]}::get" ;;
  HmapBoxed) method="io.hmapstore.bench.subjects.HmapStore\$${handles[1]}::get" ;;
  BareBucket) method="io.hmapstore.bench.subjects.BareBucketStore\$${handles[0]}::get" ;;
  *) echo "hot-path.sh: subject must be Hmap, HmapBoxed or BareBucket, not $subject" >&2; exit 2 ;;
esac
case "$bench" in
  getHit|getMiss) ;;
  *) echo "hot-path.sh: benchmark must be getHit or getMiss, not $bench" >&2; exit 2 ;;
esac
[ -f "$jar" ] || { echo "hot-path.sh: $jar is missing" >&2; exit 1; }
plugin=$here/target/hsdis/hsdis-amd64.so
if [ ! -f "$plugin" ]; then
  [ -f /usr/include/capstone/capstone.h ] || { echo "hot-path.sh: needs libcapstone-dev (apt-get install libcapstone-dev)" >&2; exit 1; }
  mkdir -p "$(dirname "$plugin")"
  gcc -O2 -shared -fPIC -o "$plugin" "$here/tools/hsdis-capstone.c" -lcapstone
fi
listing=$here/target/hot-path-$bench-$subject-$values.txt
LD_LIBRARY_PATH=$(dirname "$plugin") "$JAVA" -jar "$jar" "PeerGetPutBenchmark.$bench\$" -p subject="$subject" \
    -p values="$values" -p dist=uniform -p size=1000000 -f 1 -wi 4 -i 1 -w 1s -r 1s -jvmArgsAppend \
    "-XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints -XX:PrintAssemblyOptions=intel -XX:CompileCommand=quiet
     -XX:CompileCommand=print,$method -XX:CompileCommand=inline,io.hmapstore.store.*::*
     -XX:CompileCommand=inline,io.hmapstore.table.*::*" > "$listing" 2>&1 \
  || { echo "hot-path.sh: the JMH run failed; the end of $listing:" >&2; tail -5 "$listing" >&2; exit 1; }
# The last C2 compile of the method: its instructions up to the first ret.
awk -v method="$method" '
  /^Compiled method \(c2\)/ { inside = index($0, method) > 0; if (inside) { n = 0; done = 0; code = 0 } next }
  inside && /\[Instructions begin\]/ { code = 1; next }
  inside && code && !done && /^  0x[0-9a-f]+:[ \t]/ { n++; if ($2 == "ret") { done = 1; count = n } }
  END { if (count == 0) { print "no C2 compile of " method " found" > "/dev/stderr"; exit 1 }
        print count }' "$listing" | {
  read -r count
  echo "$bench $subject $values: $count instructions from the entry of $method to its first return"
  echo "listing: $listing"
}

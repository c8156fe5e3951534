#!/usr/bin/env bash
# Runs JMH in rounds: in each round one fork per arm, one arm after the other, so that every arm meets
# the same slow and fast spells of a shared machine; then prints each arm's median score and the median,
# over the rounds, of the first arm's score over each arm's (0.80: the first arm took 0.8 × the time).
# On this project's 2-CPU VM the same jar and subject read up to 2 × apart minutes apart, and whole runs
# land in a slow spell; ratios taken within a round are what stays put (benchmarks/README.md).
#
#   benchmarks/rounds.sh ROUNDS BENCHMARK ARM... [-- JMH OPTIONS]
#   benchmarks/rounds.sh 8 'PeerGetPutBenchmark.getHit$' benchmarks.jar:Hmap benchmarks.jar:BareBucket \
#       benchmarks.jar:ConcurrentHashMap -- -p values=LONG -p dist=uniform -p size=1000000 -wi 2 -i 4 -w 1s -r 500ms
#
# An arm is JAR:SUBJECT (a path to a benchmarks.jar, and a value of the benchmark's subject parameter);
# two jars with the same subject compare two builds. Each fork's score is JMH's mean over its iterations.
# PIN=CPU pins each fork's benchmark threads to that CPU (-Dhmapstore.bench.pin, ThreadPin; the peer
# benchmarks, whose threads take Ops): on the 2-CPU VM a single-threaded fork left free to move read
# 250 or 550 ns by the fork, and pinned 258-279 (benchmarks/README.md, "Pinned rounds"). The pin goes in
# -jvmArgsPrepend, which the benchmarks' @Fork leaves free; do not pass one of your own with PIN. A jar
# built before ThreadPin (0441167 and older) ignores it. A -jvmArgsAppend of your own replaces the
# @Fork's, and with it Chronicle Map's and LMDB's --add-opens: their forks fail, and the round stops.
set -euo pipefail
[ $# -ge 3 ] || { sed -n '2,19p' "$0" >&2; exit 2; }
rounds=$1; bench=$2; shift 2
arms=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do arms+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
for a in "${!arms[@]}"; do                      # jar paths as given, before the cd below
  arms[$a]=$(realpath "${arms[$a]%%:*}"):${arms[$a]#*:}
done
cd "$(dirname "$0")/.."
source benchmarks/jdk25.sh                     # JAVA, a JDK >= 25
[ -n "${PIN:-}" ] && set -- -jvmArgsPrepend "-Dhmapstore.bench.pin=$PIN" "$@"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for r in $(seq 1 "$rounds"); do
  line="round $r:"
  for a in $(seq 0 $((${#arms[@]} - 1))); do
    jar=${arms[$a]%%:*}; subject=${arms[$a]#*:}
    "$JAVA" -jar "$jar" "$bench" -p subject="$subject" -f 1 "$@" -rf csv -rff "$out/$r-$a.csv" > "$out/$r-$a.log" 2>&1 \
      || { echo "rounds.sh: $jar $subject failed, see its log:" >&2; tail -20 "$out/$r-$a.log" >&2; exit 1; }
    score=$(awk -F, 'NR == 2 { print $5 }' "$out/$r-$a.csv")
    # JMH exits 0 when the benchmark itself threw: its CSV then has a header and no row.
    [ -n "$score" ] || { echo "rounds.sh: $jar $subject gave no score, see its log:" >&2
                         grep -m 5 -E 'Exception|Error' "$out/$r-$a.log" >&2 || tail -20 "$out/$r-$a.log" >&2; exit 1; }
    echo "$r $a $score" >> "$out/scores"
    line="$line  ${arms[$a]} $(printf '%.1f' "$score")"
  done
  echo "$line"
done
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
for a in $(seq 0 $((${#arms[@]} - 1))); do
  m=$(awk -v a="$a" '$2 == a { print $3 }' "$out/scores" | median)
  ratios=$(awk -v a="$a" '$2 == 0 { first[$1] = $3 } $2 == a { mine[$1] = $3 } END { for (r in mine) print first[r] / mine[r] }' "$out/scores")
  printf '%-40s median %8.1f   first arm / this arm: median %.2f (%.2f to %.2f)\n' "${arms[$a]}" "$m" \
    "$(echo "$ratios" | median)" "$(echo "$ratios" | sort -g | head -1)" "$(echo "$ratios" | sort -g | tail -1)"
done

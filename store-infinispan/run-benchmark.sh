#!/usr/bin/env bash
# store-infinispan's benchmark (StoreBenchmark): hmapstore's Infinispan store beside Infinispan's
# SoftIndexFileStore through a local cache. Builds the module's test classes, then runs on the newest
# JDK >= 25 it finds (JAVA_HOME if that is one, else /usr/lib/jvm/*). Nothing to export.
# Usage: store-infinispan/run-benchmark.sh [entries (default 1000000)] [directory]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
(cd "$root" && mvn -q -B -pl store-infinispan -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test) >&2

java=""
best=0
for home in ${JAVA_HOME:-} /usr/lib/jvm/*; do
    [ -x "$home/bin/java" ] || continue
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release" 2>/dev/null)
    if [ -n "$v" ] && [ "$v" -ge 25 ] && [ "$v" -gt "$best" ]; then
        best=$v
        java="$home/bin/java"
    fi
done
[ -n "$java" ] || { echo "run-benchmark: no JDK 25 or newer in JAVA_HOME or /usr/lib/jvm" >&2; exit 1; }

cp="$here/target/test-classes:$here/target/classes:$(cat "$here/target/test-classpath.txt")"
exec "$java" --enable-native-access=ALL-UNNAMED -Xmx2g \
    --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED \
    --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED \
    -Djava.util.logging.config.file="$here/src/test/resources/logging.properties" \
    -cp "$cp" io.hmapstore.infinispan.bench.StoreBenchmark "$@"

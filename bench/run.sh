#!/usr/bin/env bash
# Runs a benchmark main from bench/ with the JVM flags Hazelcast wants.
# Usage: bench/run.sh BrokerBench [args...]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B install -DskipTests
cd bench
mvn -q -B dependency:build-classpath -Dmdep.outputFile=target/cp.txt >/dev/null
main="$1"; shift
exec java ${BENCH_JAVA_OPTS:-} -Xmx2g --add-modules java.se --add-opens java.base/java.lang=ALL-UNNAMED \
  --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
  -cp "target/classes:$(cat target/cp.txt)" "io.agentbus.bench.$main" "$@"

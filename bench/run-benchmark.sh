#!/usr/bin/env bash
# Builds the tests and runs one benchmark program of io.handoff.bench with a JDK 21+ (JAVA_HOME, or the Temurin 25 of
# this machine): bench/run-benchmark.sh ClassName [arguments…]. The bench/*.sh scripts call it.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${JAVA_HOME:-}" ] && [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
benchmark="$1"
shift
./mvnw -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -Xmx1g ${BENCH_OPTS:-} -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  "io.handoff.bench.$benchmark" "$@"

#!/usr/bin/env bash
# Delivery benchmark (see shared design BENCHMARKS.md):
#   bench/delivery.sh [seconds-per-run] [throughput-rate] [latency,throughput,isolation,per_chat,closing]
# BENCH_OPTS passes -D options: -Dbench.isolation.rounds=3, -Dbench.explain-over=20 (ms; auto_explain to the log dir)
# Starts PostgreSQL, a receiver JVM and a Handoff node, then prints a Markdown report.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${JAVA_HOME:-}" ] && [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
./mvnw -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -Xmx1g ${BENCH_OPTS:-} -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  io.handoff.bench.DeliveryBenchmark "$@"

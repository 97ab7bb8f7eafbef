#!/usr/bin/env bash
# Reports benchmark (issue: "Team performance"):
#   bench/reports.sh [chats]        default 250000 chats = 1,000,000 assignment events over 50 agents and 90 days
# Starts PostgreSQL and a Handoff node with the demo workspace, grows it by SQL, then prints a Markdown report of the
# Reports API and page's answer times.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${JAVA_HOME:-}" ] && [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
./mvnw -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -Xmx1g ${BENCH_OPTS:-} -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  io.handoff.bench.ReportsBenchmark "$@"

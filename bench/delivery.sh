#!/usr/bin/env bash
# Delivery benchmark (see shared design BENCHMARKS.md):
#   bench/delivery.sh [seconds-per-run] [throughput-rate] [latency,throughput,isolation,per_chat,closing]
# BENCH_OPTS passes -D options: -Dbench.isolation.rounds=3, -Dbench.explain-over=20 (ms; auto_explain to the log dir)
# Starts PostgreSQL, a receiver JVM and a Handoff node, then prints a Markdown report.
set -euo pipefail
exec "$(dirname "$0")/run-benchmark.sh" DeliveryBenchmark "$@"

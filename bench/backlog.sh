#!/usr/bin/env bash
# Backlog benchmark (see shared design BENCHMARKS.md):
#   bench/backlog.sh [deliveries]
# Writes a backlog of due deliveries, starts a Handoff node and measures how fast it drains.
set -euo pipefail
exec "$(dirname "$0")/run-benchmark.sh" BacklogBenchmark "$@"

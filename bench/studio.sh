#!/usr/bin/env bash
# Bot Studio benchmark (see shared design BENCHMARKS.md):
#   bench/studio.sh [seconds] [offered-requests-per-second]
# Starts PostgreSQL and a Handoff node, then prints a Markdown report.
set -euo pipefail
exec "$(dirname "$0")/run-benchmark.sh" StudioBenchmark "$@"

#!/usr/bin/env bash
# Built-in AI triage benchmark: model load time, added resident memory, per-message classify p50/p99.
#   bench/triage.sh [rounds]
set -euo pipefail
exec "$(dirname "$0")/run-benchmark.sh" TriageBenchmark "$@"

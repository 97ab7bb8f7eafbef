#!/usr/bin/env bash
# Claims during a recover (issue: costs that do not grow with history):
#   bench/recover.sh [failed deliveries]
# Times the dispatcher's claim while a recover queues a million failed deliveries again, in slices and, for
# comparison, in one statement.
set -euo pipefail
exec "$(dirname "$0")/run-benchmark.sh" RecoverBenchmark "$@"

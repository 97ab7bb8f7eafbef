#!/usr/bin/env bash
# Scale benchmark (issue: "Costs that do not grow with history"):
#   bench/scale.sh [chats] [events] [deliveries] [requests]   default 200000 2000000 2000000 100
# Starts PostgreSQL, grows a workspace by SQL to the sizes given (attempts: one per finished delivery) in the tables
# as they were before monthly partitions, times the migration to them, starts a Handoff node, then prints p50/p95 of
# every list endpoint with each filter and of the console's pages, the queue metrics' statement time, the
# endpoint-health statement's, and a retention run on a second node with the lists asked meanwhile. Needs about 10 GB
# of free disk at the default sizes; plans of statements over 20 ms go to the PostgreSQL log (auto_explain).
set -euo pipefail
exec "$(dirname "$0")/run-benchmark.sh" ScaleBenchmark "$@"

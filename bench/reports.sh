#!/usr/bin/env bash
# Reports benchmark (issue: "Team performance"):
#   bench/reports.sh [chats]        default 250000 chats = 1,000,000 assignment events over 50 agents and 90 days
# Starts PostgreSQL and a Handoff node with the demo workspace, grows it by SQL, then prints a Markdown report of the
# Reports API and page's answer times.
set -euo pipefail
exec "$(dirname "$0")/run-benchmark.sh" ReportsBenchmark "$@"

#!/usr/bin/env bash
# Bot Studio against n8n, the same flow on the same machine, alternating the two at each offered rate:
#   bench/studio-vs-n8n.sh [seconds-per-round] [rates, e.g. 100,200,400,800,1000]
# Installs n8n 1.123.5 from npm into $N8N_DIR (default ~/.cache/handoff-bench/n8n-1.123.5) the first time, then starts
# PostgreSQL, a Handoff node and n8n, builds the flow in both through their REST APIs and prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
export N8N_DIR="${N8N_DIR:-$HOME/.cache/handoff-bench/n8n-1.123.5}"
if [ ! -x "$N8N_DIR/node_modules/n8n/bin/n8n" ]; then
  command -v npm > /dev/null || { echo "npm (Node.js 20+) is needed to install n8n" >&2; exit 1; }
  mkdir -p "$N8N_DIR"
  # xlsx 0.18.5 is the last release of that package on the npm registry; n8n 1.123.5 asks for a newer one from a CDN.
  cat > "$N8N_DIR/package.json" <<'JSON'
{"name": "handoff-bench-n8n", "private": true, "dependencies": {"n8n": "1.123.5"}, "overrides": {"xlsx": "0.18.5"}}
JSON
  echo "Installing n8n 1.123.5 into $N8N_DIR (a few minutes, once)…" >&2
  (cd "$N8N_DIR" && npm install --no-audit --no-fund --loglevel=error >&2)
fi
exec "$(dirname "$0")/run-benchmark.sh" StudioVsN8nBenchmark "${1:-20}" "${2:-100,200,400,800,1000}" "$N8N_DIR"

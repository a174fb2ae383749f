#!/bin/bash
# Show memory usage and warn when less than 10 percent is available
set -euo pipefail

free -h
available_pct="$(free | awk '/^Mem:/ { printf "%d", $7 * 100 / $2 }')"
if (( available_pct < 10 )); then
  echo "WARNING: only ${available_pct}% of memory is available" >&2
fi

#!/bin/bash
# Check a web service every minute and restart it after three failed checks
set -euo pipefail

url="${1:-http://localhost:8080/health}"
service="${2:-myapp}"
failures=0

while true; do
  if curl -fs --max-time 5 -o /dev/null "$url"; then
    failures=0
  else
    failures=$((failures + 1))
    echo "$(date +%T) health check failed ($failures)" >&2
    if (( failures >= 3 )); then
      sudo systemctl restart "$service"
      failures=0
    fi
  fi
  sleep 60
done

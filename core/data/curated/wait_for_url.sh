#!/bin/bash
# Wait until a web service answers, for at most two minutes
set -euo pipefail

url="${1:-http://localhost:8080/health}"
deadline=$((SECONDS + 120))

until curl -fs -o /dev/null "$url"; do
  if (( SECONDS >= deadline )); then
    echo "Timed out waiting for $url" >&2
    exit 1
  fi
  sleep 2
done
echo "$url is up"

#!/bin/bash
# Stop background jobs when the script exits
set -euo pipefail

cleanup() {
  jobs -p | xargs -r kill 2>/dev/null || true
  echo "Background jobs stopped"
}
trap cleanup EXIT

ping -c 100 127.0.0.1 > /dev/null &
sleep 100 &
echo "Started $(jobs -p | wc -l) jobs; sleeping for 5 seconds"
sleep 5

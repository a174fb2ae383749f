#!/bin/bash
# Run several tasks in the background and wait for all of them to finish
set -euo pipefail

tasks=(alpha beta gamma delta)
pids=()

for task in "${tasks[@]}"; do
  (sleep "$(( RANDOM % 3 + 1 ))"; echo "finished $task") &
  pids+=("$!")
done

failed=0
for pid in "${pids[@]}"; do
  wait "$pid" || failed=$((failed + 1))
done
echo "All tasks done; $failed failed"

#!/bin/bash
# Catch Ctrl-C and finish cleanly instead of stopping midway
set -euo pipefail

interrupted=false
trap 'interrupted=true' INT TERM

for i in $(seq 1 30); do
  if $interrupted; then
    echo "Interrupted after $i steps; saving progress"
    echo "$i" > progress.txt
    exit 130
  fi
  # Ctrl-C also kills sleep; without "|| true", set -e would exit before the check above.
  sleep 1 || true
done
echo "Finished all steps"

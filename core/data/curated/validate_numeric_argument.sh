#!/bin/bash
# Check that an argument is a positive integer before using it
set -euo pipefail

count="${1:-}"

if [[ ! "$count" =~ ^[1-9][0-9]*$ ]]; then
  echo "error: '$count' is not a positive integer" >&2
  exit 2
fi

for (( i = 1; i <= count; i++ )); do
  echo "Iteration $i"
done

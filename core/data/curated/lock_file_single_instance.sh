#!/bin/bash
# Make sure only one copy of the script runs at a time using flock
set -euo pipefail

lock_file="/tmp/$(basename "$0").lock"
exec 9> "$lock_file"
if ! flock -n 9; then
  echo "Another instance is already running" >&2
  exit 1
fi

echo "Got the lock; working"
sleep 10
echo "Done"

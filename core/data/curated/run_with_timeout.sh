#!/bin/bash
# Run a command but stop it if it takes longer than thirty seconds
set -euo pipefail

if timeout 30 "$@"; then
  echo "Command finished in time"
else
  status=$?
  if (( status == 124 )); then
    echo "Command timed out" >&2
  fi
  exit "$status"
fi

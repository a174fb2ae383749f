#!/bin/bash
# Run a long command and show a desktop notification when it finishes
set -euo pipefail

if "$@"; then
  message="Finished: $*"
else
  message="Failed: $*"
fi
notify-send "Job done" "$message" 2>/dev/null || echo "$message"

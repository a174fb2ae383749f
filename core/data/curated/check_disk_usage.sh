#!/bin/bash
# Warn when any filesystem is more than 90 percent full
set -euo pipefail

threshold="${1:-90}"

df -P -x tmpfs -x devtmpfs | awk -v limit="$threshold" 'NR > 1 {
  used = $5; sub(/%/, "", used)
  if (used + 0 >= limit) printf "WARNING: %s is %s%% full (mounted on %s)\n", $1, used, $6
}'

#!/bin/bash
# Warn when the one-minute load average exceeds the number of CPUs
set -euo pipefail

cpus="$(nproc)"
load="$(cut -d' ' -f1 /proc/loadavg)"

if awk -v load="$load" -v cpus="$cpus" 'BEGIN { exit !(load > cpus) }'; then
  echo "High load: $load on $cpus CPUs"
else
  echo "Load is fine: $load on $cpus CPUs"
fi

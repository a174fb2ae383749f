#!/bin/bash
# Rotate a log file when it grows beyond 10 MB, keeping five old copies
set -euo pipefail

log="${1:?usage: $0 LOGFILE}"
max_bytes=$((10 * 1024 * 1024))
keep=5

[[ -f "$log" ]] || exit 0
size="$(stat -c %s "$log")"
if (( size < max_bytes )); then
  exit 0
fi

for (( i = keep - 1; i >= 1; i-- )); do
  if [[ -f "$log.$i.gz" ]]; then
    mv -f "$log.$i.gz" "$log.$((i + 1)).gz"
  fi
done
gzip -c "$log" > "$log.1.gz"
: > "$log"
echo "Rotated $log"

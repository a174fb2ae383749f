#!/bin/bash
# Print how fast a file is growing every five seconds
set -euo pipefail

file="${1:?usage: $0 FILE}"
previous="$(stat -c %s "$file")"

while sleep 5; do
  current="$(stat -c %s "$file")"
  echo "$(date +%T) $(( (current - previous) / 5 )) bytes/s, size $(numfmt --to=iec "$current")"
  previous="$current"
done

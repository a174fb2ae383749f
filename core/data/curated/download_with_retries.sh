#!/bin/bash
# Download a file, retrying up to five times with a growing delay
set -euo pipefail

url="${1:?usage: $0 URL [OUTPUT]}"
output="${2:-$(basename "$url")}"
attempts=5

for (( i = 1; i <= attempts; i++ )); do
  if curl -fsSL --connect-timeout 10 -o "$output" "$url"; then
    echo "Downloaded $url to $output"
    exit 0
  fi
  echo "Attempt $i failed; retrying in $((i * 2)) seconds" >&2
  sleep "$((i * 2))"
done
echo "Giving up after $attempts attempts" >&2
exit 1

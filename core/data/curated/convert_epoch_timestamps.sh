#!/bin/bash
# Convert Unix timestamps at the start of each log line into readable dates
set -euo pipefail

file="${1:?usage: $0 FILE}"

while read -r stamp rest; do
  if [[ "$stamp" =~ ^[0-9]+$ ]]; then
    echo "$(date -d "@$stamp" '+%F %T') $rest"
  else
    echo "$stamp $rest"
  fi
done < "$file"

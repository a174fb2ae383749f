#!/bin/bash
# Resolve a list of host names to IP addresses
set -euo pipefail

file="${1:?usage: $0 HOSTS_FILE}"

while IFS= read -r host; do
  [[ -z "$host" ]] && continue
  ip="$(getent hosts "$host" | awk '{ print $1; exit }')"
  printf '%-30s %s\n' "$host" "${ip:-not found}"
done < "$file"

#!/bin/bash
# Read a file line by line and print each line with its number
set -euo pipefail

file="${1:?usage: $0 FILE}"
n=0

while IFS= read -r line || [[ -n "$line" ]]; do
  n=$((n + 1))
  printf '%4d: %s\n' "$n" "$line"
done < "$file"

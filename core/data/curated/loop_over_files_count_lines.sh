#!/bin/bash
# Count the lines of every text file in a directory
set -euo pipefail

dir="${1:-.}"
total=0

for file in "$dir"/*.txt; do
  [[ -f "$file" ]] || continue
  lines="$(wc -l < "$file")"
  printf '%8d %s\n' "$lines" "$file"
  total=$((total + lines))
done
printf '%8d total\n' "$total"

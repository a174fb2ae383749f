#!/bin/bash
# Rename files to a numbered sequence like image_001.jpg
set -euo pipefail

prefix="${1:-image}"
n=1

for file in *.jpg; do
  [[ -e "$file" ]] || continue
  printf -v new '%s_%03d.jpg' "$prefix" "$n"
  if [[ "$file" != "$new" ]]; then
    mv -n -- "$file" "$new"
  fi
  n=$((n + 1))
done

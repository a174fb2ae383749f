#!/bin/bash
# Prefix each photo with its modification date
set -euo pipefail

for file in *.jpg *.jpeg *.png; do
  [[ -f "$file" ]] || continue
  day="$(date -r "$file" +%Y-%m-%d)"
  [[ "$file" == "$day"_* ]] && continue
  mv -n -- "$file" "${day}_$file"
done

#!/bin/bash
# Count the data rows of every CSV file in a folder
set -euo pipefail

for file in "${1:-.}"/*.csv; do
  [[ -f "$file" ]] || continue
  rows=$(( $(wc -l < "$file") - 1 ))
  echo "$rows rows in $file"
done

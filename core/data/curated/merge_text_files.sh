#!/bin/bash
# Concatenate all text files into one file with a header for each
set -euo pipefail

output="${1:-merged.txt}"
: > "$output"

for file in *.txt; do
  [[ -f "$file" && "$file" != "$output" ]] || continue
  {
    echo "===== $file ====="
    cat -- "$file"
    echo
  } >> "$output"
done
echo "Merged into $output"

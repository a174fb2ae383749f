#!/bin/bash
# Process files with at most three jobs running at the same time
set -euo pipefail

max_jobs=3

for file in *.txt; do
  [[ -e "$file" ]] || continue
  while (( $(jobs -rp | wc -l) >= max_jobs )); do
    wait -n
  done
  { sort -- "$file" > "$file.sorted"; echo "sorted $file"; } &
done
wait

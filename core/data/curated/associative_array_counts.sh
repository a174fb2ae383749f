#!/bin/bash
# Count how often each word appears using an associative array
set -euo pipefail

declare -A count
while read -r -a words; do
  for word in "${words[@]}"; do
    count["$word"]=$(( ${count["$word"]:-0} + 1 ))
  done
done < "${1:-/dev/stdin}"

for word in "${!count[@]}"; do
  echo "${count[$word]} $word"
done | sort -rn

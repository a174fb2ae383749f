#!/bin/bash
# Draw a simple progress bar while processing a list of items
set -euo pipefail

total=50
width=40

for (( i = 1; i <= total; i++ )); do
  filled=$(( i * width / total ))
  printf '\r[%-*s] %3d%%' "$width" "$(printf '%*s' "$filled" '' | tr ' ' '#')" $(( i * 100 / total ))
  sleep 0.05
done
echo

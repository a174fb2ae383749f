#!/bin/bash
# Keep the header and the CSV rows whose third column is above a value
set -euo pipefail

file="${1:?usage: $0 FILE MIN_VALUE}"
min="${2:?usage: $0 FILE MIN_VALUE}"

awk -F',' -v min="$min" 'NR == 1 || $3 + 0 > min' "$file"

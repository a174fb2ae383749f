#!/bin/bash
# List the 20 largest files under a directory
set -euo pipefail

dir="${1:-.}"

find "$dir" -type f -printf '%s\t%p\n' 2>/dev/null \
  | sort -rn \
  | head -n 20 \
  | awk -F'\t' '{ printf "%8.1f MB  %s\n", $1 / 1048576, $2 }'

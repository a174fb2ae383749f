#!/bin/bash
# Find files bigger than a given size, 100 MB by default
set -euo pipefail

dir="${1:-.}"
size="${2:-100M}"

find "$dir" -type f -size +"$size" -exec ls -lh {} + 2>/dev/null \
  | awk '{ print $5, $9 }'

#!/bin/bash
# Find files bigger than a given size, 100 MB by default
set -euo pipefail

dir="${1:-.}"
size="${2:-100M}"

find "$dir" -type f -size +"$size" -print0 \
  | du -h --files0-from=- \
  | sort -rh

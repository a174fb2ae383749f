#!/bin/bash
# Find duplicate files by comparing their checksums
set -euo pipefail

dir="${1:-.}"

find "$dir" -type f -print0 \
  | xargs -0 md5sum \
  | sort \
  | awk '{ if ($1 == prev) { print prev_line; print $0 } prev = $1; prev_line = $0 }' \
  | uniq

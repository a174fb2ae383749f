#!/bin/bash
# Find the largest files ever committed to a git repository
set -euo pipefail

git rev-list --objects --all \
  | git cat-file --batch-check='%(objecttype) %(objectname) %(objectsize) %(rest)' \
  | awk '$1 == "blob" { print $3, $4 }' \
  | sort -rn \
  | head -n "${1:-10}" \
  | numfmt --field=1 --to=iec

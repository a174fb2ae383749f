#!/bin/bash
# Compress many files in parallel, four at a time
set -euo pipefail

find "${1:-.}" -maxdepth 1 -type f -name '*.log' -print0 \
  | xargs -0 -r -n 1 -P 4 gzip -9
echo "Done"

#!/bin/bash
# Show files changed in the last 24 hours, newest first
set -euo pipefail

dir="${1:-.}"

find "$dir" -type f -mtime -1 -printf '%T@ %TY-%Tm-%Td %TH:%TM %p\n' \
  | sort -rn \
  | cut -d' ' -f2-

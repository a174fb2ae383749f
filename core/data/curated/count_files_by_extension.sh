#!/bin/bash
# Count files in a directory tree grouped by their extension
set -euo pipefail

find "${1:-.}" -type f -name '*.*' \
  | sed 's/.*\.//' \
  | tr '[:upper:]' '[:lower:]' \
  | sort \
  | uniq -c \
  | sort -rn

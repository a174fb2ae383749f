#!/bin/bash
# Show the ten largest directories one level below a path
set -euo pipefail

dir="${1:-.}"

du -h --max-depth=1 "$dir" 2>/dev/null | sort -rh | head -n 11

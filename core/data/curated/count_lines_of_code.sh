#!/bin/bash
# Count lines of code per language in a project, ignoring blank lines
set -euo pipefail

dir="${1:-.}"

for ext in sh py js go rs c; do
  lines="$(find "$dir" -type f -name "*.$ext" -not -path '*/.git/*' -exec grep -hv '^[[:space:]]*$' {} + 2>/dev/null | wc -l)"
  (( lines > 0 )) && printf '%-4s %8d\n' "$ext" "$lines"
done
exit 0

#!/bin/bash
# Count lines of code per language in a project, ignoring blank lines
set -euo pipefail

dir="${1:-.}"

for ext in sh py js go rs c; do
  lines=0
  while IFS= read -r -d '' file; do
    # grep -c exits 1 when it counts zero lines, which is not an error here.
    count="$(grep -cv '^[[:space:]]*$' -- "$file")" || true
    lines=$(( lines + ${count:-0} ))
  done < <(find "$dir" -type f -name "*.$ext" -not -path '*/.git/*' -print0)
  if (( lines > 0 )); then
    printf '%-4s %8d\n' "$ext" "$lines"
  fi
done

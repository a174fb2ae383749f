#!/bin/bash
# Replace a string with another in every file that contains it
set -euo pipefail

old="${1:?usage: $0 OLD NEW [DIR]}"
new="${2:?usage: $0 OLD NEW [DIR]}"
dir="${3:-.}"

# Escape the strings so sed treats them literally, with | as the delimiter.
pattern="$(printf '%s' "$old" | sed 's/[][\.*^$|]/\\&/g')"
replacement="$(printf '%s' "$new" | sed 's/[|&\\]/\\&/g')"

grep -rlIFZ -- "$old" "$dir" | while IFS= read -r -d '' file; do
  sed -i "s|$pattern|$replacement|g" -- "$file"
  echo "Updated $file"
done

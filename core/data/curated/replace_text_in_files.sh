#!/bin/bash
# Replace a string with another in every file that contains it
set -euo pipefail

old="${1:?usage: $0 OLD NEW [DIR]}"
new="${2:?usage: $0 OLD NEW [DIR]}"
dir="${3:-.}"

grep -rlIF -- "$old" "$dir" | while IFS= read -r file; do
  sed -i "s|$(printf '%s' "$old" | sed 's/[|&\\]/\\&/g')|$(printf '%s' "$new" | sed 's/[|&\\]/\\&/g')|g" "$file"
  echo "Updated $file"
done

#!/bin/bash
# Rename every file in a directory to lowercase
set -euo pipefail

dir="${1:-.}"

for path in "$dir"/*; do
  name="$(basename "$path")"
  lower="${name,,}"
  if [[ "$name" != "$lower" && ! -e "$dir/$lower" ]]; then
    mv -- "$path" "$dir/$lower"
    echo "$name -> $lower"
  fi
done

#!/bin/bash
# Create a separate tar.gz archive for each subdirectory
set -euo pipefail

parent="${1:-.}"

for dir in "$parent"/*/; do
  [[ -d "$dir" ]] || continue
  name="$(basename "$dir")"
  tar -czf "$parent/$name.tar.gz" -C "$parent" "$name"
  echo "Archived $name"
done

#!/bin/bash
# Replace spaces with underscores in all file names in the current directory
set -euo pipefail

for file in *\ *; do
  [[ -e "$file" ]] || continue
  mv -n -- "$file" "${file// /_}"
  echo "Renamed '$file'"
done

#!/bin/bash
# Extract every zip file into a folder named after it
set -euo pipefail

for archive in *.zip; do
  [[ -e "$archive" ]] || continue
  dir="${archive%.zip}"
  mkdir -p -- "$dir"
  unzip -q -o "$archive" -d "$dir"
  echo "Extracted $archive into $dir/"
done

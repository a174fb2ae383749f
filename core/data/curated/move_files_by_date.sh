#!/bin/bash
# Sort photos into year/month folders by their modification date
set -euo pipefail

src="${1:-.}"
dest="${2:-sorted}"

find "$src" -maxdepth 1 -type f \( -iname '*.jpg' -o -iname '*.png' -o -iname '*.mp4' \) -print0 \
  | while IFS= read -r -d '' file; do
      folder="$dest/$(date -r "$file" +%Y/%m)"
      mkdir -p -- "$folder"
      mv -n -- "$file" "$folder/"
    done
echo "Files sorted into $dest/"

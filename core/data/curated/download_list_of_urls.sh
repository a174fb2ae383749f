#!/bin/bash
# Download every URL listed in a text file, skipping files already present
set -euo pipefail

list="${1:?usage: $0 URL_LIST [DEST_DIR]}"
dest="${2:-downloads}"

mkdir -p "$dest"
while IFS= read -r url; do
  [[ -z "$url" || "$url" == \#* ]] && continue
  file="$dest/$(basename "$url")"
  if [[ -s "$file" ]]; then
    echo "Already have $file"
    continue
  fi
  wget --tries=3 --timeout=30 -q -O "$file" "$url" || echo "Failed: $url" >&2
done < "$list"

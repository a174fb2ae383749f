#!/bin/bash
# Copy only files that are newer than the copies in the destination
set -euo pipefail

src="${1:?usage: $0 SOURCE DEST}"
dest="${2:?usage: $0 SOURCE DEST}"

mkdir -p "$dest"
cp -ru --preserve=timestamps -- "$src"/. "$dest"/
echo "Updated $dest from $src"

#!/bin/bash
# Mirror a folder to a backup location with rsync, deleting files removed at the source
set -euo pipefail

src="${1:?usage: $0 SOURCE DEST}"
dest="${2:?usage: $0 SOURCE DEST}"

rsync -a --delete --human-readable --info=stats1 "${src%/}/" "$dest/"
echo "Mirrored $src to $dest"

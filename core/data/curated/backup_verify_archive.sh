#!/bin/bash
# Create a backup archive and verify it can be read back
set -euo pipefail

src="${1:?usage: $0 SOURCE_DIR}"
archive="$(basename "$src")-$(date +%s).tar.gz"

tar -czf "$archive" "$src"
if tar -tzf "$archive" > /dev/null; then
  sha256sum "$archive" > "$archive.sha256"
  echo "Backup $archive verified; checksum in $archive.sha256"
else
  echo "Backup $archive is corrupt" >&2
  exit 1
fi

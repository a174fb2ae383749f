#!/bin/bash
# Back up a directory into a timestamped tar.gz archive
set -euo pipefail

source_dir="${1:?usage: $0 SOURCE_DIR [DEST_DIR]}"
dest_dir="${2:-$HOME/backups}"
stamp="$(date +%Y%m%d-%H%M%S)"
archive="$dest_dir/$(basename "$source_dir")-$stamp.tar.gz"

mkdir -p "$dest_dir"
tar -czf "$archive" -C "$(dirname "$source_dir")" "$(basename "$source_dir")"
echo "Backup written to $archive"

#!/bin/bash
# Create a daily backup and keep only the seven most recent archives
set -euo pipefail

source_dir="${1:?usage: $0 SOURCE_DIR BACKUP_DIR}"
backup_dir="${2:?usage: $0 SOURCE_DIR BACKUP_DIR}"
keep=7

mkdir -p "$backup_dir"
tar -czf "$backup_dir/backup-$(date +%F).tar.gz" -C "$source_dir" .

# List archives newest first and delete everything after the first $keep.
find "$backup_dir" -maxdepth 1 -name 'backup-*.tar.gz' -printf '%T@ %p\n' \
  | sort -rn | tail -n +"$((keep + 1))" | cut -d' ' -f2- \
  | while IFS= read -r old; do
      rm -f -- "$old"
      echo "Removed $old"
    done

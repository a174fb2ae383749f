#!/bin/bash
# Extract an archive of any common type into the current directory
set -euo pipefail

archive="${1:?usage: $0 ARCHIVE}"

case "$archive" in
  *.tar.gz|*.tgz) tar -xzf "$archive" ;;
  *.tar.bz2|*.tbz2) tar -xjf "$archive" ;;
  *.tar.xz|*.txz) tar -xJf "$archive" ;;
  *.tar) tar -xf "$archive" ;;
  *.zip) unzip -q "$archive" ;;
  *.gz) gunzip -k "$archive" ;;
  *.bz2) bunzip2 -k "$archive" ;;
  *.7z) 7z x "$archive" ;;
  *)
    echo "Unknown archive type: $archive" >&2
    exit 1
    ;;
esac
echo "Extracted $archive"

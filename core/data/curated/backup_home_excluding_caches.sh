#!/bin/bash
# Archive the home directory while skipping caches and downloads
set -euo pipefail

archive="/tmp/home-$(date +%F).tar.gz"

tar -czf "$archive" \
  --exclude='./.cache' \
  --exclude='./Downloads' \
  --exclude='*.tmp' \
  -C "$HOME" .
echo "Home directory archived to $archive"

#!/bin/bash
# Run a command on every file with a given extension, including subfolders
set -euo pipefail

ext="${1:?usage: $0 EXTENSION}"

find . -type f -name "*.$ext" -print0 | while IFS= read -r -d '' file; do
  echo "Processing $file"
  wc -c < "$file"
done

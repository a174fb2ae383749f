#!/bin/bash
# Zip a folder, excluding hidden files
set -euo pipefail

dir="${1:?usage: $0 DIRECTORY}"
zip_file="$(basename "$dir").zip"

zip -r -q "$zip_file" "$dir" -x '*/.*'
echo "Created $zip_file ($(du -h "$zip_file" | cut -f1))"

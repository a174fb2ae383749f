#!/bin/bash
# Convert all JPEG images in a folder to PNG
set -euo pipefail

dir="${1:-.}"

shopt -s nullglob nocaseglob
for image in "$dir"/*.jpg "$dir"/*.jpeg; do
  convert "$image" "${image%.*}.png"
  echo "Converted $image"
done

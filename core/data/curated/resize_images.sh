#!/bin/bash
# Resize every image to at most 1024 pixels wide into a separate folder
set -euo pipefail

out="resized"
mkdir -p "$out"

shopt -s nullglob
for image in *.jpg *.png; do
  convert "$image" -resize '1024x>' "$out/$image"
done
echo "Resized images are in $out/"

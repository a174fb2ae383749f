#!/bin/bash
# Split a file path into directory, name and extension
set -euo pipefail

path="${1:?usage: $0 PATH}"

dir="$(dirname -- "$path")"
file="$(basename -- "$path")"
name="${file%.*}"
ext="${file##*.}"
[[ "$file" == *.* ]] || ext=""

echo "Directory: $dir"
echo "Name:      $name"
echo "Extension: ${ext:-none}"

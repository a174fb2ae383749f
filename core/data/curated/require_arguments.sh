#!/bin/bash
# Exit with a usage message unless exactly two arguments are given
set -euo pipefail

if (( $# != 2 )); then
  echo "usage: $(basename "$0") SOURCE DESTINATION" >&2
  exit 2
fi

src="$1"
dest="$2"
cp -r -- "$src" "$dest"
echo "Copied $src to $dest"

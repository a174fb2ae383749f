#!/bin/bash
# Recursively rename files whose names contain a word, replacing it with another
set -euo pipefail

old="${1:?usage: $0 OLD NEW [DIR]}"
new="${2:?usage: $0 OLD NEW [DIR]}"
dir="${3:-.}"

find "$dir" -depth -name "*$old*" -print0 | while IFS= read -r -d '' path; do
  base="$(basename -- "$path")"
  mv -n -- "$path" "$(dirname -- "$path")/${base//"$old"/"$new"}"
done

#!/bin/bash
# Strip a common prefix from the names of files
set -euo pipefail

prefix="${1:?usage: $0 PREFIX}"

for file in "$prefix"*; do
  [[ -e "$file" ]] || continue
  mv -n -- "$file" "${file#"$prefix"}"
done

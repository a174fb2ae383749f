#!/bin/bash
# Change the extension of all files from one suffix to another
set -euo pipefail

from="${1:?usage: $0 FROM_EXT TO_EXT}"
to="${2:?usage: $0 FROM_EXT TO_EXT}"

for file in *."$from"; do
  [[ -e "$file" ]] || continue
  mv -n -- "$file" "${file%."$from"}.$to"
done

#!/bin/bash
# Split a large file into 100 MB parts and show how to join them
set -euo pipefail

file="${1:?usage: $0 FILE}"

split -b 100M -d -a 3 -- "$file" "$file.part-"
sha256sum -- "$file" > "$file.sha256"
echo "Parts written; rebuild with: cat $file.part-* > $file && sha256sum -c $file.sha256"

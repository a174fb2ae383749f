#!/bin/bash
# Remove trailing whitespace from every line of a file in place
set -euo pipefail

file="${1:?usage: $0 FILE}"

sed -i 's/[[:space:]]*$//' "$file"
echo "Trimmed trailing whitespace in $file"

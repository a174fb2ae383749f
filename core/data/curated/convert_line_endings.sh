#!/bin/bash
# Convert Windows line endings to Unix line endings in all text files
set -euo pipefail

find "${1:-.}" -type f \( -name '*.txt' -o -name '*.csv' -o -name '*.sh' \) -print0 \
  | while IFS= read -r -d '' file; do
      if grep -q $'\r' "$file"; then
        sed -i 's/\r$//' "$file"
        echo "Fixed $file"
      fi
    done

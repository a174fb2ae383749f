#!/bin/bash
# Remove duplicate lines from a file while keeping the original order
set -euo pipefail

file="${1:?usage: $0 FILE}"

awk '!seen[$0]++' "$file" > "$file.tmp"
mv -- "$file.tmp" "$file"

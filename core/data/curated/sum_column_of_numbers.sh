#!/bin/bash
# Add up the numbers in the second column of a file
set -euo pipefail

file="${1:?usage: $0 FILE}"

awk '{ sum += $2 } END { printf "Total: %.2f\n", sum }' "$file"

#!/bin/bash
# Print the lines between two marker patterns in a file
set -euo pipefail

start="${1:?usage: $0 START_PATTERN END_PATTERN FILE}"
end="${2:?usage: $0 START_PATTERN END_PATTERN FILE}"
file="${3:?usage: $0 START_PATTERN END_PATTERN FILE}"

sed -n "/$start/,/$end/p" "$file"

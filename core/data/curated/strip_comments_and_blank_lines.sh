#!/bin/bash
# Show a config file without comments and blank lines
set -euo pipefail

file="${1:?usage: $0 FILE}"

grep -vE '^[[:space:]]*(#|;|$)' "$file"

#!/bin/bash
# Extract unique email addresses from a file
set -euo pipefail

file="${1:?usage: $0 FILE}"

grep -oE '[[:alnum:]._%+-]+@[[:alnum:].-]+\.[[:alpha:]]{2,}' "$file" | sort -u

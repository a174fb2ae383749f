#!/bin/bash
# Print selected columns of a CSV file
set -euo pipefail

file="${1:?usage: $0 FILE COLUMNS (e.g. 1,3)}"
columns="${2:?usage: $0 FILE COLUMNS (e.g. 1,3)}"

cut -d',' -f"$columns" -- "$file"

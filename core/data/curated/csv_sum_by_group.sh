#!/bin/bash
# Sum the amount column of a CSV file grouped by category
set -euo pipefail

file="${1:?usage: $0 FILE}"

tail -n +2 "$file" \
  | awk -F',' '{ total[$1] += $2 } END { for (k in total) printf "%s,%.2f\n", k, total[k] }' \
  | sort

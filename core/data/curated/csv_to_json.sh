#!/bin/bash
# Convert a simple CSV file with a header row into JSON lines
set -euo pipefail

file="${1:?usage: $0 FILE}"

awk -F',' '
  NR == 1 { for (i = 1; i <= NF; i++) header[i] = $i; next }
  {
    printf "{"
    for (i = 1; i <= NF; i++) printf "%s\"%s\": \"%s\"", (i > 1 ? ", " : ""), header[i], $i
    print "}"
  }' "$file"

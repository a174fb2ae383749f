#!/bin/bash
# Read one value from a section of an INI file
set -euo pipefail

file="${1:?usage: $0 FILE SECTION KEY}"
section="${2:?usage: $0 FILE SECTION KEY}"
key="${3:?usage: $0 FILE SECTION KEY}"

awk -F'=' -v section="[$section]" -v key="$key" '
  $0 == section { inside = 1; next }
  /^\[/ { inside = 0 }
  inside && $1 ~ "^[ \t]*" key "[ \t]*$" { sub(/^[ \t]+/, "", $2); print $2; exit }
' "$file"

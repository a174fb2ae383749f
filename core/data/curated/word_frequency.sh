#!/bin/bash
# Count the most frequent words in a text file
set -euo pipefail

file="${1:?usage: $0 FILE [TOP]}"
top="${2:-20}"

tr -cs '[:alpha:]' '\n' < "$file" \
  | tr '[:upper:]' '[:lower:]' \
  | grep -v '^$' \
  | sort \
  | uniq -c \
  | sort -rn \
  | head -n "$top"

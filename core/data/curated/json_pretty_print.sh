#!/bin/bash
# Pretty-print a JSON file and show the value of one key
set -euo pipefail

file="${1:?usage: $0 FILE [KEY]}"
key="${2:-}"

jq . "$file"
if [[ -n "$key" ]]; then
  echo "$key = $(jq -r --arg k "$key" '.[$k]' "$file")"
fi

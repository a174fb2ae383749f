#!/bin/bash
# Delete files older than seven days from a temporary directory
set -euo pipefail

dir="${1:-/tmp/myapp}"
days=7

if [[ ! -d "$dir" ]]; then
  echo "No such directory: $dir" >&2
  exit 1
fi

count="$(find "$dir" -type f -mtime +"$days" | wc -l)"
find "$dir" -type f -mtime +"$days" -delete
echo "Deleted $count files older than $days days from $dir"

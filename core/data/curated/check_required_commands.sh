#!/bin/bash
# Check that the commands a script needs are installed
set -euo pipefail

required=(curl jq tar gzip)
missing=()

for cmd in "${required[@]}"; do
  command -v "$cmd" > /dev/null 2>&1 || missing+=("$cmd")
done

if (( ${#missing[@]} > 0 )); then
  echo "Missing commands: ${missing[*]}" >&2
  echo "Install them with your package manager and try again." >&2
  exit 1
fi
echo "All required commands are available"

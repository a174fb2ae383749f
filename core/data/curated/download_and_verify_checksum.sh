#!/bin/bash
# Download a file and verify its SHA-256 checksum
set -euo pipefail

url="${1:?usage: $0 URL SHA256}"
expected="${2:?usage: $0 URL SHA256}"
file="$(basename "$url")"

curl -fL --retry 3 -o "$file" "$url"
if echo "$expected  $file" | sha256sum -c --status; then
  echo "Checksum OK for $file"
else
  echo "Checksum mismatch for $file" >&2
  rm -f -- "$file"
  exit 1
fi

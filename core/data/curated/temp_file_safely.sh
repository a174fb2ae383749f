#!/bin/bash
# Write output to a temporary file and move it into place atomically
set -euo pipefail

target="${1:?usage: $0 TARGET_FILE}"
tmp="$(mktemp "${target}.XXXXXX")"
trap 'rm -f -- "$tmp"' EXIT

date > "$tmp"
uname -a >> "$tmp"
mv -f -- "$tmp" "$target"
trap - EXIT
echo "Wrote $target"

#!/bin/bash
# Write SHA-256 checksums of all files in a directory to a manifest
set -euo pipefail

dir="${1:-.}"
manifest="${2:-SHA256SUMS}"

(cd "$dir" && find . -type f ! -name "$manifest" -print0 | sort -z | xargs -0 sha256sum) > "$manifest"
echo "Wrote $(wc -l < "$manifest") checksums to $manifest"

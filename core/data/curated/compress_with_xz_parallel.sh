#!/bin/bash
# Compress a file with xz using all CPU cores
set -euo pipefail

file="${1:?usage: $0 FILE}"

xz -T0 -k -9 -- "$file"
ls -lh -- "$file" "$file.xz"

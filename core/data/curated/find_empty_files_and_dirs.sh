#!/bin/bash
# Find empty files and empty directories
set -euo pipefail

dir="${1:-.}"

echo "Empty files:"
find "$dir" -type f -empty
echo "Empty directories:"
find "$dir" -type d -empty

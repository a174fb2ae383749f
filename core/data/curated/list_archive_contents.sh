#!/bin/bash
# List the files inside a tar or zip archive without extracting it
set -euo pipefail

archive="${1:?usage: $0 ARCHIVE}"

if [[ "$archive" == *.zip ]]; then
  unzip -l "$archive"
else
  tar -tvf "$archive"
fi

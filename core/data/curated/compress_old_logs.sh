#!/bin/bash
# Compress log files older than one day in a log directory
set -euo pipefail

log_dir="${1:-/var/log/myapp}"

find "$log_dir" -type f -name '*.log' -mmin +1440 -print0 \
  | while IFS= read -r -d '' file; do
      gzip -9 -- "$file"
      echo "Compressed $file"
    done

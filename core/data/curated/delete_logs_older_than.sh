#!/bin/bash
# Remove compressed logs older than a number of days
set -euo pipefail

log_dir="${1:?usage: $0 LOG_DIR [DAYS]}"
days="${2:-30}"

find "$log_dir" -type f -name '*.gz' -mtime +"$days" -print -delete

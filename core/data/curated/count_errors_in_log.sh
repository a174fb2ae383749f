#!/bin/bash
# Count error lines per day in a log file
set -euo pipefail

log="${1:?usage: $0 LOGFILE}"

grep -i 'error' "$log" \
  | awk '{ print $1 }' \
  | sort \
  | uniq -c \
  | sort -k2

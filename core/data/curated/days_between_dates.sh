#!/bin/bash
# Count the days between two dates
set -euo pipefail

start="${1:?usage: $0 START_DATE END_DATE (YYYY-MM-DD)}"
end="${2:?usage: $0 START_DATE END_DATE (YYYY-MM-DD)}"

days=$(( ($(date -d "$end" +%s) - $(date -d "$start" +%s)) / 86400 ))
echo "$days days between $start and $end"

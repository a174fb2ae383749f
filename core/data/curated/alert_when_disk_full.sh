#!/bin/bash
# Email an alert when the root filesystem usage passes a limit
set -euo pipefail

limit=85
recipient="${ALERT_EMAIL:-root}"
usage="$(df --output=pcent / | tail -n 1 | tr -dc '0-9')"

if (( usage > limit )); then
  echo "Root filesystem on $(hostname) is ${usage}% full" \
    | mail -s "Disk space alert" "$recipient"
fi

#!/bin/bash
# Email a weekly report of disk usage and failed services
set -euo pipefail

recipient="${1:?usage: $0 EMAIL}"

{
  echo "Weekly report for $(hostname), $(date +%F)"
  echo
  echo "== Disk usage"
  df -h -x tmpfs -x devtmpfs
  echo
  echo "== Failed services"
  systemctl --failed --no-pager
} | mail -s "Weekly report: $(hostname)" "$recipient"

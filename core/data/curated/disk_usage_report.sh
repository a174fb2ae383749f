#!/bin/bash
# Print a short disk usage report for all mounted filesystems
set -euo pipefail

echo "Disk usage on $(hostname) at $(date '+%F %T')"
df -h --output=source,size,used,avail,pcent,target -x tmpfs -x devtmpfs

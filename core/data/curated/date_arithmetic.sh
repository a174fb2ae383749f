#!/bin/bash
# Print yesterday's, next week's and last month's dates
set -euo pipefail

echo "Today:      $(date +%F)"
echo "Yesterday:  $(date -d yesterday +%F)"
echo "Next week:  $(date -d '+7 days' +%F)"
echo "Last month: $(date -d '-1 month' +%Y-%m)"

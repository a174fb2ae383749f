#!/bin/bash
# Save the list of installed packages to a file
set -euo pipefail

output="${1:-packages-$(hostname)-$(date +%F).txt}"

if command -v dpkg-query > /dev/null; then
  dpkg-query -W -f='${Package}\t${Version}\n' > "$output"
elif command -v rpm > /dev/null; then
  rpm -qa --qf '%{NAME}\t%{VERSION}\n' > "$output"
else
  echo "No dpkg or rpm found" >&2
  exit 1
fi
echo "Saved $(wc -l < "$output") packages to $output"

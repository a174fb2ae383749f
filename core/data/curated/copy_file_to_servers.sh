#!/bin/bash
# Copy a file to several servers over SSH
set -euo pipefail

file="${1:?usage: $0 FILE REMOTE_DIR HOST...}"
remote_dir="${2:?usage: $0 FILE REMOTE_DIR HOST...}"
shift 2

for host in "$@"; do
  if scp -q -o ConnectTimeout=5 -- "$file" "$host:$remote_dir/"; then
    echo "Copied to $host"
  else
    echo "Failed to copy to $host" >&2
  fi
done

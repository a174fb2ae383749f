#!/bin/bash
# Check whether a TCP port is open on a host
set -euo pipefail

host="${1:?usage: $0 HOST PORT}"
port="${2:?usage: $0 HOST PORT}"

if timeout 3 bash -c "exec 3<>/dev/tcp/$host/$port" 2>/dev/null; then
  echo "Port $port on $host is open"
else
  echo "Port $port on $host is closed or filtered"
  exit 1
fi

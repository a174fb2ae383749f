#!/bin/bash
# Ping a list of hosts and report which ones are down
set -euo pipefail

if (( $# > 0 )); then
  hosts=("$@")
else
  hosts=(8.8.8.8 1.1.1.1 example.com)
fi

for host in "${hosts[@]}"; do
  if ping -c 1 -W 2 "$host" > /dev/null 2>&1; then
    echo "UP   $host"
  else
    echo "DOWN $host"
  fi
done

#!/bin/bash
# Loop over an array of server names with their index
set -euo pipefail

servers=("web01" "web02" "db01" "cache01")

for i in "${!servers[@]}"; do
  echo "Server $((i + 1)) of ${#servers[@]}: ${servers[$i]}"
done

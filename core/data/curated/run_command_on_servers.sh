#!/bin/bash
# Run the same command on a list of servers and collect the output
set -euo pipefail

servers_file="${1:?usage: $0 SERVERS_FILE COMMAND}"
command="${2:?usage: $0 SERVERS_FILE COMMAND}"

while IFS= read -r server; do
  [[ -z "$server" ]] && continue
  echo "=== $server"
  ssh -n -o BatchMode=yes -o ConnectTimeout=5 "$server" "$command" || echo "(failed)"
done < "$servers_file"

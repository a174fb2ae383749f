#!/bin/bash
# Check whether a process is running and start it if it is not
set -euo pipefail

name="${1:?usage: $0 PROCESS_NAME [START_COMMAND]}"
start_cmd="${2:-}"

if pgrep -x "$name" > /dev/null; then
  echo "$name is running (pid $(pgrep -x "$name" | head -n 1))"
elif [[ -n "$start_cmd" ]]; then
  echo "$name is not running; starting it"
  nohup bash -c "$start_cmd" > /dev/null 2>&1 &
else
  echo "$name is not running" >&2
  exit 1
fi

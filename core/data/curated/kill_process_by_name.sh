#!/bin/bash
# Stop all processes with a given name, forcing them after a grace period
set -euo pipefail

name="${1:?usage: $0 PROCESS_NAME}"

if ! pkill -TERM -x "$name"; then
  echo "No process named $name" >&2
  exit 1
fi
sleep 5
if pgrep -x "$name" > /dev/null; then
  echo "$name did not exit; sending SIGKILL"
  pkill -KILL -x "$name"
fi

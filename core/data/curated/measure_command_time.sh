#!/bin/bash
# Measure how long a command takes to run
set -euo pipefail

if (( $# == 0 )); then
  echo "usage: $0 COMMAND [ARGS...]" >&2
  exit 2
fi

start="$(date +%s.%N)"
"$@"
end="$(date +%s.%N)"
printf 'Took %.3f seconds\n' "$(echo "$end - $start" | bc)"

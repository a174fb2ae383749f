#!/bin/bash
# Count down a number of seconds and ring the bell at the end
set -euo pipefail

seconds="${1:-60}"

while (( seconds > 0 )); do
  printf '\r%02d:%02d remaining ' $((seconds / 60)) $((seconds % 60))
  sleep 1
  seconds=$((seconds - 1))
done
printf '\rTime is up!        \a\n'

#!/bin/bash
# Retry any command until it succeeds, up to a maximum number of attempts
set -euo pipefail

retry() {
  local attempts="$1"
  shift
  local n=1
  until "$@"; do
    if (( n >= attempts )); then
      echo "Command failed after $n attempts: $*" >&2
      return 1
    fi
    echo "Attempt $n failed; retrying" >&2
    sleep "$n"
    n=$((n + 1))
  done
}

retry 5 "$@"

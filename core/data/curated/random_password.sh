#!/bin/bash
# Generate a random password of a given length
set -euo pipefail

length="${1:-20}"
if [[ ! "$length" =~ ^[0-9]+$ ]] || (( length < 8 || length > 128 )); then
  echo "usage: $0 [LENGTH between 8 and 128]" >&2
  exit 2
fi

# Read a fixed amount of randomness instead of piping /dev/urandom into head:
# with pipefail, the writer's SIGPIPE would make the whole script fail.
chars="$(LC_ALL=C tr -dc 'A-Za-z0-9!@#%^*_+-' < <(head -c 4096 /dev/urandom))"
echo "${chars:0:length}"

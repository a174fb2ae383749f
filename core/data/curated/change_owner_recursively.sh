#!/bin/bash
# Give a user ownership of a directory and everything in it
set -euo pipefail

user="${1:?usage: $0 USER DIRECTORY}"
dir="${2:?usage: $0 USER DIRECTORY}"

if ! id "$user" > /dev/null 2>&1; then
  echo "No such user: $user" >&2
  exit 1
fi
sudo chown -R "$user":"$(id -gn "$user")" -- "$dir"
echo "$dir now belongs to $user"

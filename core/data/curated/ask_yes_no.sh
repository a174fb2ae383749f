#!/bin/bash
# Ask the user to confirm before deleting a directory
set -euo pipefail

dir="${1:?usage: $0 DIRECTORY}"

read -r -p "Really delete $dir and everything in it? [y/N] " answer
case "$answer" in
  [yY]|[yY][eE][sS])
    rm -rf -- "$dir"
    echo "Deleted $dir"
    ;;
  *)
    echo "Cancelled"
    ;;
esac

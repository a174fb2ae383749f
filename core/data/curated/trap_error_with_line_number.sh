#!/bin/bash
# Report the line number and command whenever a command fails
set -euo pipefail

on_error() {
  echo "Error on line $1: '$2' exited with status $3" >&2
}
trap 'on_error "$LINENO" "$BASH_COMMAND" "$?"' ERR

echo "Step one"
ls /nonexistent-directory
echo "Never reached"

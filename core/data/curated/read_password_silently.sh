#!/bin/bash
# Prompt for a password without showing it and check it was typed twice the same
set -euo pipefail

read -r -s -p "New password: " first
echo
read -r -s -p "Repeat password: " second
echo

if [[ "$first" != "$second" ]]; then
  echo "Passwords do not match" >&2
  exit 1
fi
if (( ${#first} < 12 )); then
  echo "Password must be at least 12 characters" >&2
  exit 1
fi
echo "Password accepted"

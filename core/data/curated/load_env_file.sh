#!/bin/bash
# Load settings from a .env file and check that the required ones are set
set -euo pipefail

env_file="${1:-.env}"

if [[ -f "$env_file" ]]; then
  set -a
  # shellcheck source=/dev/null
  . "$env_file"
  set +a
fi

for var in DATABASE_URL SECRET_KEY; do
  if [[ -z "${!var:-}" ]]; then
    echo "Missing required setting: $var" >&2
    exit 1
  fi
done
echo "Configuration loaded from $env_file"

#!/bin/bash
# Edit a config file and restore the original if anything fails
set -euo pipefail

config="${1:?usage: $0 CONFIG_FILE}"
backup="$(mktemp)"
cp -p -- "$config" "$backup"
trap 'cp -p -- "$backup" "$config"; echo "Restored $config" >&2' ERR
trap 'rm -f -- "$backup"' EXIT

sed -i 's/^debug = false$/debug = true/' "$config"
grep -q '^debug = true$' "$config"
echo "Enabled debug in $config"

#!/bin/bash
# Copy important configuration files into a dated folder
set -euo pipefail

dest="$HOME/config-backup/$(date +%F)"
files=("$HOME/.bashrc" "$HOME/.profile" "$HOME/.gitconfig" "$HOME/.ssh/config")

mkdir -p "$dest"
for file in "${files[@]}"; do
  if [[ -f "$file" ]]; then
    cp -p -- "$file" "$dest/"
    echo "Saved $file"
  else
    echo "Skipped missing $file" >&2
  fi
done

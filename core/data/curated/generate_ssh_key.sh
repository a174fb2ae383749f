#!/bin/bash
# Create an ed25519 SSH key if one does not already exist
set -euo pipefail

key="$HOME/.ssh/id_ed25519"

if [[ -f "$key" ]]; then
  echo "Key already exists: $key"
else
  mkdir -p "$HOME/.ssh"
  chmod 700 "$HOME/.ssh"
  ssh-keygen -t ed25519 -a 100 -N '' -C "$USER@$(hostname)" -f "$key"
fi
cat "$key.pub"

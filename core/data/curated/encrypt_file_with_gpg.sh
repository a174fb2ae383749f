#!/bin/bash
# Encrypt a file with a passphrase using GPG and remove the original safely
set -euo pipefail

file="${1:?usage: $0 FILE}"

gpg --symmetric --cipher-algo AES256 --output "$file.gpg" -- "$file"
shred -u -- "$file"
echo "Encrypted to $file.gpg"

#!/bin/bash
# Back up a git repository as a single bundle file
set -euo pipefail

repo="${1:-.}"
bundle="$(basename "$(git -C "$repo" rev-parse --show-toplevel)")-$(date +%F).bundle"

git -C "$repo" bundle create "$PWD/$bundle" --all
git -C "$repo" bundle verify "$PWD/$bundle" > /dev/null
echo "Repository saved to $bundle"

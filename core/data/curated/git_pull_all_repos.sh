#!/bin/bash
# Pull the latest changes in every git repository under a directory
set -euo pipefail

root="${1:-$HOME/src}"

for repo in "$root"/*/; do
  [[ -d "$repo/.git" ]] || continue
  echo "== $(basename "$repo")"
  git -C "$repo" pull --ff-only || echo "   could not fast-forward" >&2
done

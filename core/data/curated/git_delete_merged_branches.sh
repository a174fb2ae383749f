#!/bin/bash
# Delete local git branches that are already merged into main
set -euo pipefail

main="${1:-main}"

git fetch --prune
git branch --merged "$main" \
  | { grep -vE "^[*+]|^[[:space:]]*($main|master|develop)$" || true; } \
  | xargs -r git branch -d

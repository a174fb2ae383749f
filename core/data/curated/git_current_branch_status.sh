#!/bin/bash
# Show the current branch and how far it is ahead or behind its upstream
set -euo pipefail

branch="$(git rev-parse --abbrev-ref HEAD)"
git fetch --quiet
if upstream="$(git rev-parse --abbrev-ref '@{upstream}' 2>/dev/null)"; then
  read -r behind ahead < <(git rev-list --left-right --count "$upstream...HEAD")
  echo "$branch: $ahead ahead, $behind behind $upstream"
else
  echo "$branch has no upstream branch"
fi

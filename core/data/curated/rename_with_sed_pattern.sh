#!/bin/bash
# Rename files by applying a sed substitution to their names
set -euo pipefail

pattern="${1:?usage: $0 SED_EXPRESSION [--dry-run]}"
dry_run="${2:-}"

for file in *; do
  new="$(printf '%s' "$file" | sed -e "$pattern")"
  [[ "$new" == "$file" ]] && continue
  if [[ "$dry_run" == "--dry-run" ]]; then
    echo "would rename '$file' -> '$new'"
  else
    mv -n -- "$file" "$new"
  fi
done

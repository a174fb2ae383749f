#!/bin/bash
# Stage all changes and commit them with a message given as arguments
set -euo pipefail

if (( $# == 0 )); then
  echo "usage: $0 COMMIT MESSAGE" >&2
  exit 2
fi

git add -A
if git diff --cached --quiet; then
  echo "Nothing to commit"
  exit 0
fi
git commit -m "$*"

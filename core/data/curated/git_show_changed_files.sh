#!/bin/bash
# List files changed since a given git reference, one per line
set -euo pipefail

since="${1:-HEAD~1}"

git diff --name-status "$since" -- | sort -k2

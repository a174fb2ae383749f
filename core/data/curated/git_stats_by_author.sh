#!/bin/bash
# Count commits per author in the current git repository
set -euo pipefail

git shortlog -sne --all | head -n "${1:-10}"

#!/bin/bash
# Create a standard project directory layout
set -euo pipefail

project="${1:?usage: $0 PROJECT_NAME}"

mkdir -p "$project"/{src,tests,docs,scripts,data/{raw,processed}}
touch "$project/README.md" "$project/.gitignore"
echo "Created:"
find "$project" -print | sort

#!/bin/bash
# Work in a temporary directory that is removed when the script exits
set -euo pipefail

work_dir="$(mktemp -d)"
trap 'rm -rf -- "$work_dir"' EXIT

cd "$work_dir"
echo "data" > input.txt
sort input.txt > output.txt
cp output.txt "$OLDPWD/result.txt"
echo "Result saved; $work_dir will be removed"

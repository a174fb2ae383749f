#!/bin/bash
# Make every shell script in a directory executable
set -euo pipefail

dir="${1:-.}"

find "$dir" -type f -name '*.sh' ! -perm -u+x -print -exec chmod u+x {} +

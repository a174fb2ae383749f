#!/bin/bash
# Find world-writable files that could be a security risk
set -euo pipefail

dir="${1:-/}"

find "$dir" -xdev -type f -perm -0002 ! -path '/proc/*' 2>/dev/null

#!/bin/bash
# List user accounts that can log in with a shell
set -euo pipefail

awk -F: '$7 !~ /(nologin|false)$/ { printf "%-15s uid=%-6s %s\n", $1, $3, $7 }' /etc/passwd

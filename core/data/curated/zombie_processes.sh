#!/bin/bash
# List zombie processes together with their parents
set -euo pipefail

ps -eo pid,ppid,stat,comm | awk 'NR == 1 || $3 ~ /^Z/'

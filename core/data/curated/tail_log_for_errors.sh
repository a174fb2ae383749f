#!/bin/bash
# Follow a log file and print only lines that contain errors
set -euo pipefail

log="${1:-/var/log/syslog}"

tail -F -n 0 "$log" | grep --line-buffered -iE 'error|fail|critical'

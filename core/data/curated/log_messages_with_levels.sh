#!/bin/bash
# Write timestamped log messages with levels to the screen and a file
set -euo pipefail

log_file="${LOG_FILE:-/tmp/script.log}"

log() {
  local level="$1"
  shift
  printf '%s [%s] %s\n' "$(date '+%F %T')" "$level" "$*" | tee -a "$log_file" >&2
}

log INFO "Starting work"
log WARN "Disk is getting full"
log ERROR "Could not reach the server"

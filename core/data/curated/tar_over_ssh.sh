#!/bin/bash
# Copy a directory to another machine by streaming tar over SSH
set -euo pipefail

dir="${1:?usage: $0 DIRECTORY USER@HOST REMOTE_DIR}"
host="${2:?usage: $0 DIRECTORY USER@HOST REMOTE_DIR}"
remote_dir="${3:?usage: $0 DIRECTORY USER@HOST REMOTE_DIR}"

tar -czf - -C "$(dirname "$dir")" "$(basename "$dir")" \
  | ssh "$host" "mkdir -p '$remote_dir' && tar -xzf - -C '$remote_dir'"

#!/bin/bash
# Upload a local folder to a remote server over SSH with rsync
set -euo pipefail

local_dir="${1:?usage: $0 LOCAL_DIR USER@HOST:REMOTE_DIR}"
remote="${2:?usage: $0 LOCAL_DIR USER@HOST:REMOTE_DIR}"

rsync -az --partial --progress -e 'ssh -o ConnectTimeout=10' -- "${local_dir%/}/" "$remote/"

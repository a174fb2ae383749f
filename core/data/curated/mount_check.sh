#!/bin/bash
# Check that a filesystem is mounted before writing to it
set -euo pipefail

mount_point="${1:?usage: $0 MOUNT_POINT}"

if mountpoint -q -- "$mount_point"; then
  echo "$mount_point is mounted"
  touch "$mount_point/.write-test" && rm -f "$mount_point/.write-test"
  echo "$mount_point is writable"
else
  echo "$mount_point is not mounted" >&2
  exit 1
fi

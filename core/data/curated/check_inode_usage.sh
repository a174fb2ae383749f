#!/bin/bash
# Report filesystems that are running out of inodes
set -euo pipefail

df -iP | awk 'NR > 1 && $5 != "-" {
  used = $5; sub(/%/, "", used)
  if (used + 0 > 80) print "Inodes low on " $6 ": " $5 " used"
}'

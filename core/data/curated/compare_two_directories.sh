#!/bin/bash
# Compare two directories and list files that differ or exist in only one
set -euo pipefail

left="${1:?usage: $0 DIR1 DIR2}"
right="${2:?usage: $0 DIR1 DIR2}"

diff -rq -- "$left" "$right" || true

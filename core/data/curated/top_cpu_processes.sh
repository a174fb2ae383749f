#!/bin/bash
# Show the processes using the most CPU right now
set -euo pipefail

count="${1:-10}"
ps -eo pid,user,%cpu,etime,comm --sort=-%cpu | head -n "$((count + 1))"

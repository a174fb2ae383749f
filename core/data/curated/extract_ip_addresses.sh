#!/bin/bash
# Count requests per IP address in a web server access log
set -euo pipefail

log="${1:-/var/log/nginx/access.log}"

awk '{ print $1 }' "$log" | sort | uniq -c | sort -rn | head -n 20

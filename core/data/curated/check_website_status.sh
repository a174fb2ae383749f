#!/bin/bash
# Check the HTTP status code and response time of several websites
set -euo pipefail

urls=("https://example.com" "https://www.wikipedia.org")
(( $# > 0 )) && urls=("$@")

for url in "${urls[@]}"; do
  result="$(curl -o /dev/null -s -w '%{http_code} %{time_total}' --max-time 10 "$url" || echo "000 -")"
  read -r code seconds <<< "$result"
  printf '%-40s %s %ss\n' "$url" "$code" "$seconds"
done

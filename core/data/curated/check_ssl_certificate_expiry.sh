#!/bin/bash
# Show how many days are left before a website's TLS certificate expires
set -euo pipefail

host="${1:?usage: $0 HOST [PORT]}"
port="${2:-443}"

end_date="$(echo | openssl s_client -servername "$host" -connect "$host:$port" 2>/dev/null \
  | openssl x509 -noout -enddate | cut -d= -f2)"
days_left=$(( ($(date -d "$end_date" +%s) - $(date +%s)) / 86400 ))
echo "Certificate for $host expires on $end_date ($days_left days left)"
(( days_left > 14 )) || exit 1

#!/bin/bash
# Generate an nginx site configuration from a template with a heredoc
set -euo pipefail

domain="${1:?usage: $0 DOMAIN [PORT]}"
port="${2:-3000}"
output="$domain.conf"

cat > "$output" <<CONF
server {
    listen 80;
    server_name $domain;

    location / {
        proxy_pass http://127.0.0.1:$port;
        proxy_set_header Host \$host;
    }
}
CONF
echo "Wrote $output"

#!/bin/bash
# Restart a systemd service if it is not active
set -euo pipefail

service="${1:?usage: $0 SERVICE}"

if systemctl is-active --quiet "$service"; then
  echo "$service is active"
else
  echo "$service is down; restarting"
  sudo systemctl restart "$service"
  systemctl --no-pager status "$service" | head -n 5
fi

#!/bin/bash
# Show which programs are listening on which network ports
set -euo pipefail

if command -v ss > /dev/null; then
  sudo ss -tulpn
else
  sudo netstat -tulpn
fi

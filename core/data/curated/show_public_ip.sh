#!/bin/bash
# Print this machine's public IP address and its local addresses
set -euo pipefail

echo "Public IP: $(curl -fsS --max-time 5 https://ifconfig.me || echo unknown)"
echo "Local addresses:"
ip -brief address show | awk '$1 != "lo" { print "  " $1 ": " $3 }'

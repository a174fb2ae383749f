#!/bin/bash
# Set directories to 755 and files to 644 under a web root
set -euo pipefail

root="${1:-/var/www/html}"

find "$root" -type d -exec chmod 755 {} +
find "$root" -type f -exec chmod 644 {} +
echo "Permissions fixed under $root"

#!/bin/bash
# Refuse to run unless the script is run as root
set -euo pipefail

if (( EUID != 0 )); then
  echo "This script must be run as root (try: sudo $0)" >&2
  exit 1
fi

echo "Running as root; updating package lists"
apt-get update -q

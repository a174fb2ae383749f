#!/bin/bash
# Update all packages on a Debian or Ubuntu system and say whether a reboot is needed
set -euo pipefail

sudo apt-get update
sudo DEBIAN_FRONTEND=noninteractive apt-get -y upgrade
sudo apt-get -y autoremove
if [[ -f /var/run/reboot-required ]]; then
  echo "A reboot is required"
fi

#!/bin/bash
# Detect the Linux distribution and install a package with the right tool
set -euo pipefail

package="${1:?usage: $0 PACKAGE}"

if [[ -r /etc/os-release ]]; then
  # shellcheck source=/dev/null
  . /etc/os-release
fi

case "${ID:-unknown}" in
  debian|ubuntu) sudo apt-get install -y "$package" ;;
  fedora|rhel|centos) sudo dnf install -y "$package" ;;
  arch) sudo pacman -S --noconfirm "$package" ;;
  alpine) sudo apk add "$package" ;;
  *) echo "Unsupported distribution: ${ID:-unknown}" >&2; exit 1 ;;
esac

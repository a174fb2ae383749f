#!/bin/bash
# Free disk space by cleaning package caches and old journal logs
set -euo pipefail

before="$(df --output=avail -B1M / | tail -n 1)"
sudo apt-get clean
sudo journalctl --vacuum-time=14d
rm -rf -- "${HOME:?}/.cache/thumbnails"
after="$(df --output=avail -B1M / | tail -n 1)"
echo "Freed $((after - before)) MB"

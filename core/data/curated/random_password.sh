#!/bin/bash
# Generate a random password of a given length
set -euo pipefail

length="${1:-20}"

tr -dc 'A-Za-z0-9!@#%^*_+-' < /dev/urandom | head -c "$length"
echo

#!/bin/bash
# Show recent logins and failed login attempts
set -euo pipefail

echo "Recent logins:"
last -n 10 -w
echo
echo "Failed attempts:"
sudo lastb -n 10 -w 2>/dev/null || echo "(lastb needs root and a btmp log)"

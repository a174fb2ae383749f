#!/bin/bash
# Ask for a name and use a default if nothing is typed within ten seconds
set -euo pipefail

name="guest"
if read -r -t 10 -p "Your name (10 seconds): " typed && [[ -n "$typed" ]]; then
  name="$typed"
fi
echo
echo "Hello, $name"

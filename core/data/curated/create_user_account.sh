#!/bin/bash
# Create a new user with a home directory and add them to a group
set -euo pipefail

user="${1:?usage: $0 USERNAME [GROUP]}"
group="${2:-developers}"

if id "$user" > /dev/null 2>&1; then
  echo "User $user already exists" >&2
  exit 1
fi
sudo groupadd -f "$group"
sudo useradd --create-home --shell /bin/bash --groups "$group" "$user"
sudo passwd --expire "$user"
echo "Created $user in group $group; they must set a password at first login"

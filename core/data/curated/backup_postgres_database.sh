#!/bin/bash
# Back up a PostgreSQL database in custom format
set -euo pipefail

db="${1:?usage: $0 DATABASE}"
file="${db}-$(date +%F).dump"

pg_dump --format=custom --file="$file" "$db"
echo "Database $db saved to $file"

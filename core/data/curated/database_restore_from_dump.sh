#!/bin/bash
# Restore a PostgreSQL database from the newest dump file in a folder
set -euo pipefail

db="${1:?usage: $0 DATABASE DUMP_DIR}"
dump_dir="${2:?usage: $0 DATABASE DUMP_DIR}"

latest="$(find "$dump_dir" -maxdepth 1 -name "$db-*.dump" -printf '%T@ %p\n' | sort -rn | head -n 1 | cut -d' ' -f2-)"
if [[ -z "$latest" ]]; then
  echo "No dump of $db found in $dump_dir" >&2
  exit 1
fi
echo "Restoring $db from $latest"
pg_restore --clean --if-exists --dbname="$db" "$latest"

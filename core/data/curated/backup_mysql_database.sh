#!/bin/bash
# Dump a MySQL database to a compressed SQL file
set -euo pipefail

db="${1:?usage: $0 DATABASE [OUTPUT_DIR]}"
out_dir="${2:-.}"
file="$out_dir/${db}-$(date +%Y%m%d).sql.gz"

mysqldump --single-transaction --routines "$db" | gzip -9 > "$file"
echo "Saved $db to $file ($(du -h "$file" | cut -f1))"

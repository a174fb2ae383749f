#!/bin/bash
# Watch a directory and print a line whenever a file is created or changed
set -euo pipefail

dir="${1:-.}"

inotifywait -m -r -e create -e modify -e delete --format '%T %e %w%f' --timefmt '%F %T' "$dir"
